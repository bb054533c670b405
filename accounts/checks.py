"""System checks run by `migrate` and `check --database default` (the production start runs
migrate first, docker-compose.yml): a server whose demo accounts still open with the
published password must not start (JR/T 0060: no shared or default credentials)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from .demo_accounts import DEMO_PASSWORD, DEMO_USERNAMES


@register(Tags.database, Tags.security)
def demo_accounts_refused(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list:
    if not getattr(settings, "REFUSE_DEMO_ACCOUNTS", False) or not databases:
        return []
    from .models import Staff

    try:
        # Few rows (the demo's names only): each password check is a deliberate slow hash.
        found = sorted(
            staff.username
            for staff in Staff.objects.filter(username__in=DEMO_USERNAMES, is_active=True)
            if staff.check_password(DEMO_PASSWORD)
        )
    except DatabaseError:
        return []  # before the first migrate there are no staff at all
    if not found:
        return []
    return [
        Error(
            "The demo's staff accounts are present with the published demo password: "
            + ", ".join(found),
            hint="Deactivate or delete them, or set each a new password, before starting.",
            id="accounts.E001",
        )
    ]


@register(Tags.security)
def directory_role_groups_known(app_configs: Any = None, **kwargs: Any) -> list:
    """A directory group mapped to a role that does not exist would give its people no role
    at all: said at start, before anyone signs in (README, "Directory sign-in")."""
    from .directory import role_groups, role_groups_errors

    return [
        Error(problem, hint="Correct LDAP_ROLE_GROUPS.", id="accounts.E002")
        for problem in role_groups_errors(role_groups())
    ]
