"""Readable names for the request audit trail's actions."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from transfers.models import ApprovalStep

register = template.Library()


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
    for prefix, label in _STEP_ACTIONS.items():
        step = code.removeprefix(prefix)
        if code.startswith(prefix) and step in ApprovalStep.values:
            return str(label).format(step=ApprovalStep(step).label)
    return code
