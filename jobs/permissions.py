"""Who may see and run the scheduled jobs, and see and keep the trading calendar."""

from __future__ import annotations

from accounts.models import Staff
from accounts.roles import CALENDAR_WATCHERS, Role


def may_read_runs(actor: Staff) -> bool:
    return actor.has_role(Role.GENERAL_MANAGER, Role.AUDITOR)


def may_run_jobs(actor: Staff) -> bool:
    return actor.has_role(Role.GENERAL_MANAGER)


def may_see_calendar(actor: Staff) -> bool:
    return actor.has_role(*CALENDAR_WATCHERS, Role.AUDITOR)


def may_keep_calendar(actor: Staff) -> bool:
    """One firm-wide role keeps the exchanges' calendar, not each branch's manager."""
    return actor.has_role(Role.CALENDAR_KEEPER)


def is_calendar_watcher(actor: Staff) -> bool:
    """Warned from 60 days before the confirmed calendar ends."""
    return actor.has_role(*CALENDAR_WATCHERS)
