"""The operations' scheduled jobs (found by jobs.registry's discovery of `<app>/jobs.py`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from jobs.registry import JobContext, job

from . import jobs_backup  # noqa: F401  (the backups' jobs, registered on import)
from .alerts import alerts_send


@job(
    "operations.watch",
    title=gettext_lazy("Operators' watch"),
    figures={
        "incidents": gettext_lazy("Incidents found"),
        "told": gettext_lazy("General managers told"),
        "mailed": gettext_lazy("Incidents mailed to the operators"),
    },
    description=gettext_lazy(
        "Tell the operators and the general managers of a job that failed or did not run by "
        "its time, a backup that failed or is too old, and a calendar about to end"
    ),
    trading_days_only=False,
    per_branch=False,
    needs_calendar=False,
)
def watch(ctx: JobContext) -> dict[str, int]:
    return alerts_send()
