"""The navigation every page shows, composed from each app's own rule of who may open what
(templates read `nav`, never role names)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from accounts import permissions as accounts_may
from archives import permissions as archives_may
from core_system import permissions as core_system_may
from headoffice import permissions as headoffice_may
from jobs import permissions as jobs_may
from transfers import permissions as transfers_may
from transfers import selectors as transfers_read


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    reads = transfers_may.reads_requests(user)
    approver = transfers_may.is_approver(user)

    @cache
    def approvals_waiting() -> int:
        # One COUNT, and only on a page that shows the count (the admin's pages do not).
        return transfers_read.requests_awaiting(user).count() if approver else 0

    return {
        "nav": {
            "requests": reads,
            "approvals": approver,
            "approvals_waiting": approvals_waiting,
            "retention": reads,
            "revisits": reads,
            "jobs": jobs_may.may_read_runs(user),
            "calendar": jobs_may.may_see_calendar(user),
            "customer_imports": core_system_may.may_read_imports(user),
            "counter": transfers_may.works_counter(user),
            "archive_grants": archives_may.may_see_grants(user),
            "archive_inventory": archives_may.may_see_inventory(user),
            "archive_integrity": archives_may.may_see_integrity(user),
            "archive_destruction": archives_may.may_see_destruction(user),
            "headoffice": headoffice_may.reads_console(user),
            "rules": accounts_may.reads_rules(user),
        }
    }
