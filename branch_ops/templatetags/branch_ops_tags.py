"""Small template helpers shared by every page: role tests for the navigation and readable
names for the audit trail's actions."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from accounts.roles import BRANCH_READERS, COUNTER_ROLES, Role

register = template.Library()

APPROVER_ROLES = (
    Role.COUNTER_LEAD,
    Role.ACCOUNT_MANAGER,
    Role.MARKETING_DIRECTOR,
    Role.GENERAL_MANAGER,
)

_GROUPS = {
    "counter": tuple(COUNTER_ROLES),
    "approver": APPROVER_ROLES,
    "reader": tuple(BRANCH_READERS),
}


@register.filter
def has_role(user, roles: str) -> bool:  # type: ignore[no-untyped-def]
    """`user|has_role:"counter"` or `user|has_role:"counter_lead,general_manager"`."""
    if not getattr(user, "is_authenticated", False):
        return False
    wanted: list[str] = []
    for name in roles.split(","):
        name = name.strip()
        wanted.extend(_GROUPS.get(name, (name,)))
    return user.has_role(*wanted)


_ACTIONS = {
    "create": _("Request received"),
    "verify_documents": _("Documents verified"),
    "refuse": _("Refused"),
    "record_reason": _("Reason recorded"),
    "reason_changed": _("Reason corrected"),
    "go_on": _("Customer goes on"),
    "customer_stays": _("Customer stays"),
    "defer": _("Customer defers"),
    "resume": _("Customer resumes"),
    "send_back": _("Sent back"),
    "clear": _("Approval complete, nothing blocks"),
    "block": _("Blocked"),
    "recheck": _("Blocking conditions rechecked"),
    "start_processing": _("Processing started"),
    "password_confirmed": _("Customer confirmed with password"),
    "password_wrong": _("Wrong password"),
    "lock_password": _("Locked after wrong passwords"),
    "unlock_password": _("Unlocked"),
    "complete": _("Completed"),
}

_STEP_ACTIONS = {
    "approve_": _("Approved in person: {step}"),
    "phone_approve_": _("Approved by phone: {step}"),
    "sign_off_": _("Written sign-off: {step}"),
}


@register.filter
def audit_action(code: str) -> str:
    """The audit trail stores a stable code; people read its name."""
    if code in _ACTIONS:
        return str(_ACTIONS[code])
    from transfers.models import ApprovalStep

    for prefix, label in _STEP_ACTIONS.items():
        step = code.removeprefix(prefix)
        if code.startswith(prefix) and step in ApprovalStep.values:
            return str(label).format(step=ApprovalStep(step).label)
    return code


@register.filter
def mask_id(value: str) -> str:
    """An identity number as lists and papers show it (e.g. an agent's)."""
    from accounts.masking import mask_id_number

    return mask_id_number(value or "")
