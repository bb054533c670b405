"""Retention's scheduled jobs (jobs.registry): overdue promises, the monthly churn report
(Art. 7) and the early-warning scan, each a thin call to a service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy

from jobs.registry import JobContext, PerChoice, YearMonth, job
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
