"""The branch's scheduled jobs (jobs.registry). Each is a thin call to a service, run for
one branch and one business date; the schedule is CELERY_BEAT_SCHEDULE in the settings."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.utils.translation import gettext_lazy

from jobs.registry import JobContext, job
from kernel.calendar import TradingCalendar

from . import services


def _branch(ctx: JobContext) -> Any:
    assert ctx.branch is not None
    return ctx.branch


# Planning is about due dates, not about the exchanges being open: it runs every day, so a
# departure on a Friday afternoon is planned before Monday.
@job(
    "revisits.plan",
    description=gettext_lazy("Plan the revisits the rules call for (Art. 31–34)"),
    trading_days_only=False,
)
def plan(ctx: JobContext) -> dict[str, int]:
    return services.revisits_plan(
        branch=_branch(ctx),
        business_date=ctx.business_date,
        calendar=ctx.calendar,
        progress=ctx.progress,
    )


@job(
    "revisits.remind",
    description=gettext_lazy("Remind each owner of today's and late revisits (inbox and e-mail)"),
)
def remind(ctx: JobContext) -> dict[str, int]:
    return services.revisit_reminders_send(
        branch=_branch(ctx), business_date=ctx.business_date, calendar=ctx.calendar
    )


@job(
    "revisits.escalate_late",
    description=gettext_lazy("Tell the marketing director which revisits are late"),
)
def escalate_late(ctx: JobContext) -> dict[str, int]:
    return services.revisits_escalate_late(branch=_branch(ctx), business_date=ctx.business_date)


@job(
    "transfers.sign_offs_escalate",
    description=gettext_lazy(
        "Tell the marketing director and general manager of overdue written sign-offs (Art. 17)"
    ),
)
def sign_offs(ctx: JobContext) -> dict[str, int]:
    return services.sign_offs_escalate(branch=_branch(ctx), business_date=ctx.business_date)


@job(
    "transfers.late_requests_flag",
    description=gettext_lazy("Flag requests past the customer's two trading days to the GM"),
)
def late_requests(ctx: JobContext) -> dict[str, int]:
    return services.late_requests_flag(branch=_branch(ctx), business_date=ctx.business_date)


@job(
    "transfers.closure_sweep",
    description=gettext_lazy("Find fund accounts ready to close for the counter lead (Art. 19)"),
)
def closure_sweep(ctx: JobContext) -> dict[str, int]:
    return services.closure_sweep(
        branch=_branch(ctx), business_date=ctx.business_date, progress=ctx.progress
    )


# Retention's jobs (issue 3): registered when its services are there to call.
def _retention(name: str) -> Any:
    try:
        return getattr(import_module("retention.services"), name)
    except (ImportError, AttributeError):
        return None


def first_trading_day_of_month(day: dt.date, calendar: TradingCalendar) -> bool:
    first = calendar.current_or_next_trading_day(day.replace(day=1))
    return day == first


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


_commitments_escalate_overdue = _retention("commitments_escalate_overdue")
_monthly_report_prepare = _retention("monthly_report_prepare")
_at_risk_scan = _retention("at_risk_scan")

if _commitments_escalate_overdue is not None:

    @job(
        "retention.commitments_escalate",
        description=gettext_lazy(
            "Escalate overdue promises to their owners and the marketing director"
        ),
    )
    def commitments_escalate(ctx: JobContext) -> dict[str, int]:
        escalated = _commitments_escalate_overdue(branch=_branch(ctx), today=ctx.business_date)
        return {"escalated": int(escalated)}


if _monthly_report_prepare is not None:

    @job(
        "retention.monthly_report",
        description=gettext_lazy(
            "Prepare last month's churn report (Art. 7); scheduled on the month's first trading day"
        ),
        scheduled_on=first_trading_day_of_month,
    )
    def monthly_report(ctx: JobContext) -> dict[str, int]:
        month = previous_month(ctx.business_date)
        _monthly_report_prepare(branch=_branch(ctx), month=month)
        return {"prepared": 1, "month": int(month.strftime("%Y%m"))}


if _at_risk_scan is not None:

    @job(
        "retention.at_risk_scan",
        description=gettext_lazy("Scan the core system's daily data for customers at risk"),
    )
    def at_risk(ctx: JobContext) -> dict[str, int]:
        counts = _at_risk_scan(branch=_branch(ctx), business_date=ctx.business_date) or {}
        return {f"flagged.{rule}": int(n) for rule, n in counts.items()}
