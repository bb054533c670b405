"""The archives' scheduled jobs (found by jobs.registry). Thin: the work is the services'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jobs.registry import JobContext, job

from .services import access_grants_expire, archive_file_day, archive_integrity_check


@job(
    "archives.file_day",
    title=_("File the day's requests"),
    figures={
        "ended": _("Requests ended"),
        "filed": _("Filed"),
        "already_filed": _("Already filed"),
        "failed": _("Could not be filed"),
    },
    description=_("File every request that ended on the trading day, with its papers (Art. 15)."),
)
def file_day(ctx: JobContext) -> dict[str, int]:
    assert ctx.branch is not None
    return archive_file_day(
        branch=ctx.branch, business_date=ctx.business_date, progress=ctx.progress
    )


@job(
    "archives.integrity_check",
    title=_("Archive integrity check"),
    figures={
        "checked": _("Files checked"),
        "intact": _("Intact"),
        "changed": pgettext_lazy("archived file", "Changed"),
        "missing": pgettext_lazy("archived file", "Missing"),
        "unreferenced": _("Unreferenced"),
        "grants_expired": _("Access grants ended"),
    },
    description=_(
        "Hash every archived file again, report changed or missing ones, and end expired "
        "access grants."
    ),
    trading_days_only=False,
)
def integrity_check(ctx: JobContext) -> dict[str, int]:
    assert ctx.branch is not None
    counts = archive_integrity_check(branch=ctx.branch, business_date=ctx.business_date)
    counts.update(access_grants_expire(branch=ctx.branch))
    return counts
