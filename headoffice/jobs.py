"""The head office's scheduled job: last month's figures of every branch, once for the firm,
and the firm-wide alerts of that month for head-office compliance."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from jobs.registry import JobContext, YearMonth, job
from retention.jobs import first_trading_day_of_month, previous_month

from .services import branch_alerts_raise, branch_month_figures_compute


@job(
    "headoffice.month_figures",
    title=gettext_lazy("Head office's monthly figures"),
    figures={
        "month": YearMonth(gettext_lazy("Month")),
        "branches": gettext_lazy("Branches computed"),
        "alerts": gettext_lazy("Alerts of the month"),
        "alerts_new": gettext_lazy("Alerts raised now"),
        "compliance_told": gettext_lazy("Head-office compliance told"),
    },
    description=gettext_lazy(
        "Compute last month's churn and compliance figures of every branch for the head "
        "office, and raise the month's alerts to head-office compliance; scheduled on the "
        "month's first trading day"
    ),
    per_branch=False,
    scheduled_on=first_trading_day_of_month,
)
def month_figures(ctx: JobContext) -> dict[str, int]:
    month = previous_month(ctx.business_date)
    branches = branch_month_figures_compute(month=month, today=ctx.business_date)
    alerts = branch_alerts_raise(month=month, today=ctx.business_date)
    return {"branches": branches, "month": int(month.strftime("%Y%m")), **alerts}
