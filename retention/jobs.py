"""Retention's scheduled jobs (jobs.registry): overdue promises, the monthly churn report
(Art. 7) and the early-warning scan, each a thin call to a service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Staff
from accounts.roles import Role
from core_system.models import CoreFileKind
from core_system.nightly import core_files_overdue, core_files_take
from jobs.registry import JobContext, PerChoice, YearMonth, job, notify_once
from kernel.calendar import TradingCalendar

from . import services
from .models import RiskRule


def _branch(ctx: JobContext) -> Any:
    assert ctx.branch is not None
    return ctx.branch


def first_trading_day_of_month(day: dt.date, calendar: TradingCalendar) -> bool:
    first = calendar.current_or_next_trading_day(day.replace(day=1))
    return day == first


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@job(
    "retention.commitments_escalate",
    title=gettext_lazy("Overdue promises"),
    figures={"escalated": gettext_lazy("Promises escalated")},
    description=gettext_lazy(
        "Escalate overdue promises to their owners and the marketing director"
    ),
)
def commitments_escalate(ctx: JobContext) -> dict[str, int]:
    escalated = services.commitments_escalate_overdue(branch=_branch(ctx), today=ctx.business_date)
    return {"escalated": int(escalated)}


@job(
    "retention.monthly_report",
    title=gettext_lazy("Monthly churn report"),
    figures={"month": YearMonth(gettext_lazy("Month")), "prepared": gettext_lazy("Reports kept")},
    description=gettext_lazy(
        "Prepare last month's churn report (Art. 7); scheduled on the month's first trading day"
    ),
    scheduled_on=first_trading_day_of_month,
)
def monthly_report(ctx: JobContext) -> dict[str, int]:
    month = previous_month(ctx.business_date)
    services.monthly_report_prepare(branch=_branch(ctx), month=month)
    return {"prepared": 1, "month": int(month.strftime("%Y%m"))}


@job(
    "retention.at_risk_scan",
    title=gettext_lazy("Customers at risk"),
    figures={"flagged": PerChoice(gettext_lazy("Customers flagged"), RiskRule)},
    description=gettext_lazy("Scan the core system's daily data for customers at risk"),
)
def at_risk(ctx: JobContext) -> dict[str, int]:
    counts = services.at_risk_scan(branch=_branch(ctx), business_date=ctx.business_date) or {}
    return {f"flagged.{rule}": int(n) for rule, n in counts.items()}


# The core system's nightly files: the job lives here, the lowest app that sees both the
# jobs registry and core_system (which sit side by side); the service is core_system's.


@job(
    "core_system.nightly_files",
    title=gettext_lazy("Core system's nightly files"),
    figures={
        "loaded": PerChoice(gettext_lazy("Files loaded"), CoreFileKind),
        "refused": PerChoice(gettext_lazy("Files refused"), CoreFileKind),
        "rows": gettext_lazy("Lines loaded"),
        "duplicates": gettext_lazy("Copies of a file already loaded, set aside"),
        "moved_late": gettext_lazy("Files taken earlier, moved now"),
    },
    description=gettext_lazy(
        "Load the customer master, account states and daily figures the core system drops "
        "after the close, each file once; refuse a file that is incomplete, bad or not the "
        "branch's"
    ),
)
def nightly_files(ctx: JobContext) -> dict[str, int]:
    return core_files_take(
        branch=_branch(ctx),
        business_date=ctx.business_date,
        run_id=ctx.run_id,
        progress=ctx.progress,
    )


@job(
    "core_system.nightly_files_late",
    title=gettext_lazy("Core system's files not in by their time"),
    figures={
        "missing": PerChoice(gettext_lazy("Files not loaded"), CoreFileKind),
        "told": gettext_lazy("General managers told"),
    },
    description=gettext_lazy(
        "Tell the general manager which of the night's files has not loaded by its due time "
        "(CORE_FILES_DUE_AT)"
    ),
)
def nightly_files_late(ctx: JobContext) -> dict[str, int]:
    branch = _branch(ctx)
    counts: dict[str, int] = {"told": 0}
    managers = Staff.objects.filter(
        branch=branch, is_active=True, groups__name=Role.GENERAL_MANAGER
    ).distinct()
    for overdue in core_files_overdue(branch=branch, business_date=ctx.business_date):
        counts[f"missing.{overdue.kind}"] = 1
        kind = CoreFileKind(overdue.kind).label
        due = overdue.due_at.strftime("%H:%M")
        if overdue.refused_reason:
            subject = _("The core system's {kind} file for {date} was refused").format(
                kind=kind, date=ctx.business_date.isoformat()
            )
            body = _(
                "{name} was not loaded: {reason} A corrected file dropped as {name} loads at "
                "the job's next run."
            ).format(name=overdue.expected_name, reason=overdue.refused_reason)
        else:
            subject = _("The core system's {kind} file for {date} has not arrived").format(
                kind=kind, date=ctx.business_date.isoformat()
            )
            body = _(
                "{name} was due in the drop folder by {due} and has not loaded. Until it does, "
                "the branch works on the previous day's data. Ask the core system's operators "
                "to send it; it loads at the job's next run."
            ).format(name=overdue.expected_name, due=due)
        counts["told"] += notify_once(
            kind="core_file_missing",
            ref=overdue.kind,
            recipients=managers,
            business_date=ctx.business_date,
            subject=subject,
            body=body,
            link=reverse("job_list"),
            email=True,
        )
    return counts
