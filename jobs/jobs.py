"""The installation's own jobs: the scheduler's heartbeat and the calendar's horizon."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Staff
from accounts.roles import CALENDAR_WATCHERS
from kernel.calendar import calendar_outlook

from .registry import JobContext, job, notify_once


@job(
    "branch_ops.heartbeat",
    title=gettext_lazy("Scheduler heartbeat"),
    figures={"alive": gettext_lazy("Answered")},
    description=gettext_lazy("Check that the scheduler and its workers are alive (does no work)."),
    trading_days_only=False,
    per_branch=False,
    needs_calendar=False,
)
def heartbeat(ctx: JobContext) -> dict[str, int]:
    return {"alive": 1}


@job(
    "branch_ops.calendar_watch",
    title=gettext_lazy("Trading calendar's horizon"),
    figures={
        "days_left": gettext_lazy("Days until the confirmed calendar ends"),
        "told": gettext_lazy("People told"),
    },
    description=gettext_lazy("Warn when the confirmed trading calendar is about to end"),
    trading_days_only=False,
    per_branch=False,
    needs_calendar=False,
)
def calendar_watch(ctx: JobContext) -> dict[str, int]:
    """From CALENDAR_WARNING_DAYS before the confirmed calendar ends, every general manager and
    calendar keeper is told each day, until next year's holidays are entered."""

    outlook = calendar_outlook(today=ctx.business_date)
    if not outlook.warns:
        return {"days_left": outlook.days_left, "told": 0}
    watchers = Staff.objects.filter(is_active=True, groups__name__in=CALENDAR_WATCHERS).distinct()
    told = notify_once(
        kind="calendar_ending",
        ref=str(outlook.next_year),
        recipients=watchers,
        business_date=ctx.business_date,
        subject=_("The trading calendar ends on {last}: enter {year}'s holidays").format(
            last=outlook.last_confirmed_day.isoformat(), year=outlook.next_year
        ),
        body=_(
            "After {last} no deadline can be computed and the counter refuses new requests. "
            "The calendar keeper enters the exchanges' announcement on the calendar page."
        ).format(last=outlook.last_confirmed_day.isoformat()),
        link=reverse("calendar_overview"),
        email=True,
    )
    return {"days_left": outlook.days_left, "told": told}
