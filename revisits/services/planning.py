"""The planner: from the branch's rules and today's facts, the revisit tasks that should
exist. Idempotent — it creates only what is missing, and the unique constraints on
RevisitTask stop a second planner running at the same moment from creating it again."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Branch, Customer, Staff
from branch_ops.calendar import CalendarUnknown, TradingCalendar
from transfers.models import TransferAuditEntry, TransferRequest, TransferState

from ..models import Channel, Reason, RevisitRule, RevisitTask, TaskStatus
from ..selectors import latest_departures
from ._common import (
    beijing_date,
    free_due_date,
    on_or_before,
    trading_days_before,
    week_last_trading_day,
)
from .rules import revisit_rules_for

# A departure older than this no longer gets its first-week revisit planned (a re-run for
# an old date still would): the monthly rule has taken over by then.
FIRST_REVISIT_LOOKBACK = dt.timedelta(days=31)


def first_revisit_due(left_on: dt.date, *, rule: RevisitRule, calendar: TradingCalendar) -> dt.date:
    """Art. 31: in the week the customer leaves — by the last trading day of that week, or
    sooner if the branch asks for it within fewer trading days."""
    start = calendar.current_or_next_trading_day(left_on)
    return min(calendar.add_trading_days(start, rule.value), week_last_trading_day(start, calendar))


def _plan_task(
    counts: Counter[str],
    *,
    customer: Customer,
    reason: str,
    due_on: dt.date,
    owner: Staff | None,
    channel: str,
    source_ref: str = "",
) -> RevisitTask | None:
    try:
        with transaction.atomic():
            task, created = RevisitTask.objects.get_or_create(
                customer=customer,
                reason=reason,
                due_on=due_on,
                source_ref=source_ref,
                defaults={"branch_id": customer.branch_id, "owner": owner, "channel": channel},
            )
    except IntegrityError:
        # Another open task for the same purpose appeared meanwhile (a concurrent planner
        # or a revisit just recorded): that one stands.
        return None
    if created:
        counts[f"planned.{reason}"] += 1
    return task


def _open_keys(branch: Branch, reasons: list[str]) -> set[tuple[int, str, str]]:
    return set(
        RevisitTask.objects.filter(
            branch=branch, status=TaskStatus.OPEN, reason__in=reasons
        ).values_list("customer_id", "reason", "source_ref")
    )


def _last_contacts(branch: Branch, *, channel: str | None = None) -> dict[int, dt.date]:
    done = RevisitTask.objects.filter(branch=branch, status=TaskStatus.DONE)
    if channel:
        done = done.filter(channel=channel)
    return dict(
        done.values("customer_id").annotate(last=Max("done_on")).values_list("customer_id", "last")
    )


def _plan_departed(
    branch: Branch,
    business_date: dt.date,
    rules: dict[str, RevisitRule],
    calendar: TradingCalendar,
    counts: Counter[str],
) -> None:
    """Art. 31, 32: institution, core and important customers who transferred out."""
    recent = latest_departures(
        branch=branch, up_to=business_date, since=business_date - FIRST_REVISIT_LOOKBACK
    )
    everyone = latest_departures(branch=branch, up_to=business_date)
    open_keys = _open_keys(
        branch, [Reason.LEFT_FIRST, Reason.LEFT_MONTHLY, Reason.INSTITUTION_VISIT]
    )
    last_contact = _last_contacts(branch)
    last_visit = _last_contacts(branch, channel=Channel.VISIT)

    first_rule = rules[Reason.LEFT_FIRST]
    for departure in recent.values():
        customer = departure.customer
        if not departure.priority or (customer.pk, Reason.LEFT_FIRST, "") in open_keys:
            continue
        try:
            due = first_revisit_due(departure.left_on, rule=first_rule, calendar=calendar)
        except CalendarUnknown:
            counts["waiting_for_calendar"] += 1
            continue
        _plan_task(
            counts,
            customer=customer,
            reason=Reason.LEFT_FIRST,
            due_on=due,
            owner=customer.account_manager,
            channel=first_rule.channel,
        )

    monthly = rules[Reason.LEFT_MONTHLY]
    yearly = rules[Reason.INSTITUTION_VISIT]
    for departure in everyone.values():
        customer = departure.customer
        if not departure.priority:
            continue
        try:
            first_due = first_revisit_due(departure.left_on, rule=first_rule, calendar=calendar)
        except CalendarUnknown:
            counts["waiting_for_calendar"] += 1
            continue
        if (customer.pk, Reason.LEFT_MONTHLY, "") not in open_keys:
            # Art. 31: at least monthly, counted from the latest contact of any kind.
            anchor = max(first_due, last_contact.get(customer.pk, first_due))
            _plan_cadence(counts, customer, Reason.LEFT_MONTHLY, anchor, monthly, calendar=calendar)
        if customer.is_institution and (
            (customer.pk, Reason.INSTITUTION_VISIT, "") not in open_keys
        ):
            # Art. 32: a visit in person within a year, counted from the latest visit.
            anchor = max(departure.left_on, last_visit.get(customer.pk, departure.left_on))
            _plan_cadence(
                counts, customer, Reason.INSTITUTION_VISIT, anchor, yearly, calendar=calendar
            )


def _plan_cadence(
    counts: Counter[str],
    customer: Customer,
    reason: str,
    anchor: dt.date,
    rule: RevisitRule,
    *,
    calendar: TradingCalendar,
    source_ref: str = "",
    owner: Staff | None = None,
) -> RevisitTask | None:
    try:
        due = on_or_before(anchor + dt.timedelta(days=rule.value), calendar)
        due = free_due_date(
            customer_id=customer.pk,
            reason=reason,
            source_ref=source_ref,
            due_on=due,
            calendar=calendar,
        )
    except CalendarUnknown:
        # A due date must not rest on a guessed holiday: planned once the year's holidays
        # are entered (the run's counts say how many wait).
        counts["waiting_for_calendar"] += 1
        return None
    return _plan_task(
        counts,
        customer=customer,
        reason=reason,
        due_on=due,
        owner=owner or customer.account_manager,
        channel=Channel.VISIT if reason == Reason.INSTITUTION_VISIT else rule.channel,
        source_ref=source_ref,
    )


def _cancel(tasks: QuerySet[RevisitTask], note: str, counts: Counter[str], key: str) -> None:
    n = tasks.update(status=TaskStatus.CANCELLED, note=note[:300])
    if n:
        counts[key] += n


def _plan_deferred(
    branch: Branch,
    business_date: dt.date,
    rules: dict[str, RevisitRule],
    calendar: TradingCalendar,
    counts: Counter[str],
) -> None:
    """Art. 34: a customer who deferred is contacted when the trial period ends, and at
    least monthly until they decide."""
    deferred = (
        TransferRequest.objects.filter(branch=branch, state=TransferState.DEFERRED)
        .select_related("customer", "customer__branch", "customer__account_manager")
        .order_by("pk")
    )
    deferred_on = {
        request_id: beijing_date(at)
        for request_id, at in TransferAuditEntry.objects.filter(
            request__branch=branch, request__state=TransferState.DEFERRED, to_state="deferred"
        )
        .values("request_id")
        .annotate(at=Max("at"))
        .values_list("request_id", "at")
    }
    open_tasks = {
        (t.customer_id, t.reason, t.source_ref): t
        for t in RevisitTask.objects.filter(
            branch=branch,
            status=TaskStatus.OPEN,
            reason__in=[Reason.DEFERRED_TRIAL_END, Reason.DEFERRED_MONTHLY],
        )
    }
    last_contact = _last_contacts(branch)
    trial_rule = rules[Reason.DEFERRED_TRIAL_END]
    monthly = rules[Reason.DEFERRED_MONTHLY]
    still_deferred = []
    for req in deferred:
        ref = f"request:{req.pk}"
        still_deferred.append(ref)
        customer = req.customer
        if req.follow_up_on is not None:
            try:
                due = trading_days_before(req.follow_up_on, trial_rule.value, calendar)
            except CalendarUnknown:
                # Planned once the year's holidays are entered; the run's counts say so.
                counts["waiting_for_calendar"] += 1
            else:
                existing = open_tasks.get((customer.pk, Reason.DEFERRED_TRIAL_END, ref))
                if existing is None:
                    _plan_task(
                        counts,
                        customer=customer,
                        reason=Reason.DEFERRED_TRIAL_END,
                        due_on=due,
                        owner=customer.account_manager,
                        channel=trial_rule.channel,
                        source_ref=ref,
                    )
                elif (
                    existing.due_on != due
                    and not RevisitTask.objects.filter(
                        customer=customer,
                        reason=Reason.DEFERRED_TRIAL_END,
                        source_ref=ref,
                        due_on=due,
                    ).exists()
                ):
                    # Deferred again with a new end of trial: the contact moves with it.
                    existing.due_on = due
                    existing.save(update_fields=["due_on"])
                    counts["moved.deferred_trial_end"] += 1
        if (customer.pk, Reason.DEFERRED_MONTHLY, ref) not in open_tasks:
            since = deferred_on.get(req.pk, business_date)
            anchor = max(since, last_contact.get(customer.pk, since))
            _plan_cadence(
                counts,
                customer,
                Reason.DEFERRED_MONTHLY,
                anchor,
                monthly,
                calendar=calendar,
                source_ref=ref,
            )
    _cancel(
        RevisitTask.objects.filter(
            branch=branch,
            status=TaskStatus.OPEN,
            reason__in=[Reason.DEFERRED_TRIAL_END, Reason.DEFERRED_MONTHLY],
        ).exclude(source_ref__in=still_deferred),
        _("The customer has decided; the deferral is over."),
        counts,
        "cancelled.decided",
    )


def _plan_commitments(
    branch: Branch,
    business_date: dt.date,
    rules: dict[str, RevisitRule],
    calendar: TradingCalendar,
    counts: Counter[str],
) -> None:
    """Art. 29, 34: a contact before each open promise falls due."""
    try:
        from retention.models import Commitment, CommitmentStatus
    except ImportError:
        return
    rule = rules[Reason.COMMITMENT]
    planned = set(
        RevisitTask.objects.filter(branch=branch, reason=Reason.COMMITMENT).values_list(
            "source_ref", flat=True
        )
    )
    commitments = (
        Commitment.objects.filter(
            branch=branch, status=CommitmentStatus.OPEN, due_on__gte=business_date
        )
        .select_related("customer", "customer__branch", "owner")
        .order_by("due_on", "pk")
    )
    for commitment in commitments:
        ref = f"commitment:{commitment.pk}"
        if ref in planned:
            continue
        try:
            lead = trading_days_before(commitment.due_on, rule.value, calendar)
        except CalendarUnknown:
            counts["waiting_for_calendar"] += 1
            continue
        _plan_task(
            counts,
            customer=commitment.customer,
            reason=Reason.COMMITMENT,
            # Promised at short notice: the contact is due at once, not in the past.
            due_on=max(lead, business_date),
            owner=commitment.owner,
            channel=rule.channel,
            source_ref=ref,
        )
    open_refs = {
        f"commitment:{pk}"
        for pk in Commitment.objects.filter(
            branch=branch, status=CommitmentStatus.OPEN
        ).values_list("pk", flat=True)
    }
    _cancel(
        RevisitTask.objects.filter(
            branch=branch, status=TaskStatus.OPEN, reason=Reason.COMMITMENT
        ).exclude(source_ref__in=open_refs),
        _("The promise was kept or withdrawn."),
        counts,
        "cancelled.commitment_closed",
    )


@transaction.atomic
def revisits_plan(
    *,
    branch: Branch,
    business_date: dt.date,
    calendar: TradingCalendar,
    progress: Callable[[int, int | None], None] | None = None,
) -> Counter[str]:
    """Make the revisit tasks the rules call for on `business_date`; returns what it did."""
    rules = revisit_rules_for(branch=branch)
    counts: Counter[str] = Counter()
    steps = [_plan_departed, _plan_deferred, _plan_commitments]
    for done, step in enumerate(steps, start=1):
        step(branch, business_date, rules, calendar, counts)
        if progress:
            progress(done, len(steps))
    return counts
