"""The branch's scheduled jobs (jobs.registry). Each is a thin call to a service, run for
one branch and one business date; the schedule is CELERY_BEAT_SCHEDULE in the settings."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from jobs.registry import JobContext, PerChoice, job

from . import services
from .models import Reason


def _branch(ctx: JobContext) -> Any:
    assert ctx.branch is not None
    return ctx.branch


# Planning is about due dates, not about the exchanges being open: it runs every day, so a
# departure on a Friday afternoon is planned before Monday.
@job(
    "revisits.plan",
    title=gettext_lazy("Plan revisits"),
    figures={
        "planned": PerChoice(gettext_lazy("Planned"), Reason),
        "moved.deferred_trial_end": gettext_lazy("Moved to a new end of the trial period"),
        "cancelled.decided": gettext_lazy("Cancelled: the customer has decided"),
        "cancelled.commitment_closed": gettext_lazy("Cancelled: the promise was closed"),
        "waiting_for_calendar": gettext_lazy("Waiting for the year's holidays to be entered"),
    },
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
    title=gettext_lazy("Revisit reminders"),
    figures={
        "reminded": gettext_lazy("People reminded"),
        "unowned": gettext_lazy("Revisits due without an owner"),
    },
    description=gettext_lazy("Remind each owner of today's and late revisits (inbox and e-mail)"),
)
def remind(ctx: JobContext) -> dict[str, int]:
    return services.revisit_reminders_send(
        branch=_branch(ctx), business_date=ctx.business_date, calendar=ctx.calendar
    )


@job(
    "revisits.escalate_late",
    title=gettext_lazy("Late revisits"),
    figures={"late": gettext_lazy("Late revisits"), "escalated": gettext_lazy("People told")},
    description=gettext_lazy("Tell the marketing director which revisits are late"),
)
def escalate_late(ctx: JobContext) -> dict[str, int]:
    return services.revisits_escalate_late(branch=_branch(ctx), business_date=ctx.business_date)
