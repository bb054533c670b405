"""Who may open which of the archives' pages (records Art. 5–8). Opening a record's files is
never a role's: it is an object permission granted per record (archives.services.access)."""

from __future__ import annotations

from accounts.models import Staff
from accounts.roles import COUNTER_ROLES, Role


def may_file(actor: Staff) -> bool:
    """Drafts, filing and the day's papers are the archivist's work (records Art. 5)."""
    return actor.has_role(Role.ARCHIVIST)


def may_add_scans(actor: Staff) -> bool:
    """The counter scans the copies it keeps (Art. 13); the archivist files them."""
    return actor.has_role(Role.ARCHIVIST, *COUNTER_ROLES)


def may_see_grants(actor: Staff) -> bool:
    return actor.has_role(Role.ARCHIVIST, Role.AUDITOR)


def may_see_inventory(actor: Staff) -> bool:
    return actor.has_role(Role.ARCHIVIST, Role.AUDITOR)


def may_see_integrity(actor: Staff) -> bool:
    return actor.has_role(Role.ARCHIVIST, Role.GENERAL_MANAGER, Role.AUDITOR)


def may_see_destruction(actor: Staff) -> bool:
    """Destruction is approved by the company head (records Art. 8)."""
    return actor.has_role(Role.ARCHIVIST, Role.COMPANY_HEAD, Role.AUDITOR)
