"""Who may import the core system's customer master.

No role is called a branch administrator (accounts/roles.py); the general manager already
keeps the branch's settings, fee schedule and commission ranges, so loading the branch's
customers — which moves customers between managers and sets their tiers — is theirs too."""

from __future__ import annotations

from accounts.models import Staff
from accounts.roles import Role


def may_import_customers(actor: Staff) -> bool:
    return bool(actor.is_active) and actor.has_role(Role.GENERAL_MANAGER)


def may_read_imports(actor: Staff) -> bool:
    """The auditor reads what was loaded and by whom, and applies nothing."""
    return bool(actor.is_active) and actor.has_role(Role.GENERAL_MANAGER, Role.AUDITOR)
