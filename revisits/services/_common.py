"""What the revisit services share: dates on the exchanges' calendar, how a task finds a
free due date, and the one path of every change of a task's state or owner (kernel.workflow)
with its audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from accounts.models import Staff
from kernel.calendar import BEIJING, TradingCalendar
from kernel.workflow import transition_take

from ..models import RevisitAction, RevisitTask, RevisitTaskAuditEntry


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


def lock_task(task: RevisitTask) -> RevisitTask:
    """A fresh copy of the task with its row locked until the transaction ends (no key
    lock: the audit rows and the next task that reference it are inserted meanwhile)."""
    return (
        RevisitTask.objects.select_for_update(of=("self",), no_key=True)
        .select_related("customer", "customer__branch", "customer__account_manager")
        .get(pk=task.pk)
    )


def audit(
    task: RevisitTask,
    *,
    actor: Staff | None,
    action: str,
    from_state: str,
    comment: str = "",
    client_ip: str | None = None,
    from_owner_id: int | None = None,
    to_owner_id: int | None = None,
) -> RevisitTaskAuditEntry:
    return RevisitTaskAuditEntry.objects.create(
        task=task,
        actor=actor,
        action=RevisitAction(action),  # an unknown code is a programming error, never stored
        from_state=from_state,
        to_state=task.status,
        comment=comment,
        client_ip=client_ip,
        from_owner_id=from_owner_id,
        to_owner_id=to_owner_id,
    )


def apply_transition(
    task: RevisitTask,
    name: str,
    *,
    actor: Staff,
    action: RevisitAction,
    state_refusal: str,
    comment: str = "",
    client_ip: str | None = None,
    update_fields: Iterable[str] = (),
    from_owner_id: int | None = None,
    to_owner_id: int | None = None,
) -> str:
    """Take transition `name` on a locked task through the one mechanism (kernel.workflow):
    state, conditions and permission checked on the row, saved with `update_fields`, and
    one audit row with the states it went from and to — and, for a change of owner, who
    held it before and after. Returns the state it left."""
    return transition_take(
        task,
        name,
        actor=actor,
        update_fields=update_fields,
        state_refusal=state_refusal,
        record=lambda before, _after: audit(
            task,
            actor=actor,
            action=action,
            from_state=before,
            comment=comment,
            client_ip=client_ip,
            from_owner_id=from_owner_id,
            to_owner_id=to_owner_id,
        ),
    )
