"""What the revisit services share: dates on the exchanges' calendar, who may do what, and
how a task finds a free due date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from accounts.models import Staff
from accounts.roles import Role
from kernel.calendar import BEIJING, TradingCalendar

from ..models import RevisitTask

# Roles that oversee every revisit of the branch (Art. 31 is the marketing side's work).
SUPERVISORS = (Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER)


def on_or_before(day: dt.date, calendar: TradingCalendar) -> dt.date:
    """A due date that falls on a closed day moves to the trading day before: earlier, so an
    interval the source sets is never stretched by a holiday."""
    return day if calendar.is_trading_day(day) else calendar.previous_trading_day(day)


def week_last_trading_day(day: dt.date, calendar: TradingCalendar) -> dt.date:
    """The last trading day of the week (Monday to Sunday) `day` belongs to — before a
    holiday that ends the week, that is the day before it starts."""
    start = calendar.current_or_next_trading_day(day)
    candidate = start + dt.timedelta(days=6 - start.weekday())
    while not calendar.is_trading_day(candidate):
        candidate -= dt.timedelta(days=1)
    return candidate


def trading_days_before(day: dt.date, count: int, calendar: TradingCalendar) -> dt.date:
    result = on_or_before(day, calendar)
    for _step in range(count):
        result = calendar.previous_trading_day(result)
    return result


def beijing_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(BEIJING).date()


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=BEIJING)


def free_due_date(
    *, customer_id: int, reason: str, source_ref: str, due_on: dt.date, calendar: TradingCalendar
) -> dt.date:
    """A contact done early can leave a finished task on the very date the next one would
    get; the next one then moves a trading day earlier (stricter, never later)."""
    taken = set(
        RevisitTask.objects.filter(
            customer_id=customer_id, reason=reason, source_ref=source_ref, due_on__lte=due_on
        ).values_list("due_on", flat=True)
    )
    return earliest_free(due_on, taken.__contains__, calendar)


def earliest_free(
    due_on: dt.date, is_taken: Callable[[dt.date], bool], calendar: TradingCalendar
) -> dt.date:
    """The rule of free_due_date, for a caller that already knows which dates are taken."""
    while is_taken(due_on):
        due_on = calendar.previous_trading_day(due_on)
    return due_on


def is_supervisor(actor: Staff) -> bool:
    return actor.has_role(*SUPERVISORS)
