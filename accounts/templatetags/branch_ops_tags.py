"""Small template helpers shared by every page: role tests for the navigation, masked
identity numbers."""

from __future__ import annotations

from django import template

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


@register.filter
def mask_id(value: str) -> str:
    """An identity number as lists and papers show it (e.g. an agent's)."""
    from accounts.masking import mask_id_number

    return mask_id_number(value or "")
