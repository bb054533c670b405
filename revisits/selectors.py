"""Reads for revisits: who left (and counted as important enough for Art. 31), each
person's list, what is late, tomorrow's plan, and the accounts ready to close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Branch, Customer, CustomerKind, Staff, Tier, tier_of
from kernel.calendar import BEIJING
from transfers.models import (
    LEFT_STATES,
    Approval,
    ApprovalStep,
    TransferRequest,
)

from .models import (
    RevisitEvent,
    RevisitTask,
    RevisitTaskAuditEntry,
    RevisitTaskQuerySet,
    TaskStatus,
)

_SENIOR_STEPS = frozenset({ApprovalStep.MARKETING_DIRECTOR, ApprovalStep.GENERAL_MANAGER})


@dataclass(frozen=True)
class Departure:
    """A customer who transferred out: a completed request."""

    customer: Customer
    request_id: int
    left_on: dt.date
    priority: bool  # institution, core or important when they left (Art. 31)


def _was_priority(*, is_institution: bool, tier: Tier, senior_approval: bool) -> bool:
    """Art. 31 names institution, core and important customers. Assets usually leave with
    the customer, so today's tier says little: a request the marketing director or general
    manager had to approve (Art. 10, 17) was one of theirs when it happened."""
    return is_institution or tier in (Tier.IMPORTANT, Tier.CORE) or senior_approval


def _senior_approval() -> Exists:
    return Exists(Approval.objects.filter(request=OuterRef("pk"), step__in=_SENIOR_STEPS))


def _left_requests(
    branch: Branch, up_to: dt.date, since: dt.date | None = None
) -> QuerySet[TransferRequest]:
    end = dt.datetime.combine(up_to + dt.timedelta(days=1), dt.time(0), tzinfo=BEIJING)
    requests = TransferRequest.objects.filter(
        branch=branch, state__in=LEFT_STATES, completed_at__lt=end
    )
    if since is not None:
        start = dt.datetime.combine(since, dt.time(0), tzinfo=BEIJING)
        requests = requests.filter(completed_at__gte=start)
    return requests.order_by("completed_at", "pk")


def departures(*, branch: Branch, up_to: dt.date, since: dt.date | None = None) -> list[Departure]:
    """Requests of the branch whose transfer part completed on a Beijing day in [since,
    up_to], oldest first (a closure still waiting does not keep the customer from having
    left)."""
    requests = (
        _left_requests(branch, up_to, since)
        .select_related("customer")
        # Few branches and managers stand behind the departures: fetched once each instead
        # of once a row.
        .prefetch_related("customer__branch", "customer__account_manager")
        # No list of departures shows an identity number or phone: decrypting both for
        # thousands of customers costs more than the rest of the list.
        .defer("customer__id_number", "customer__phone")
        .annotate(senior_approval=_senior_approval())
    )
    return [
        Departure(
            customer=req.customer,
            request_id=req.pk,
            left_on=req.completed_at.astimezone(BEIJING).date(),  # type: ignore[union-attr]
            priority=_was_priority(
                is_institution=req.customer.is_institution,
                tier=req.customer.tier,
                senior_approval=req.senior_approval,  # type: ignore[attr-defined]
            ),
        )
        for req in requests
    ]


def latest_departures(
    *, branch: Branch, up_to: dt.date, since: dt.date | None = None
) -> dict[int, Departure]:
    """Each departed customer once, with their latest departure."""
    latest: dict[int, Departure] = {}
    for departure in departures(branch=branch, up_to=up_to, since=since):
        known = latest.get(departure.customer.pk)
        latest[departure.customer.pk] = Departure(
            customer=departure.customer,
            request_id=departure.request_id,
            left_on=departure.left_on,
            priority=departure.priority or (known.priority if known else False),
        )
    return latest


class DepartedCustomer(NamedTuple):
    """A customer who transferred out, by their latest departure, as plain values: what the
    nightly planner needs of every departure of a branch, without a model object a row."""

    customer_id: int
    account_manager_id: int | None
    is_institution: bool
    left_on: dt.date  # the latest departure's Beijing day
    priority: bool  # at any of their departures (Art. 31)


def latest_departed_customers(*, branch: Branch, up_to: dt.date) -> list[DepartedCustomer]:
    """`latest_departures` as value rows: each departed customer once, with their latest
    departure, and a priority if any departure was one (the same rule, `_was_priority`)."""
    rows = (
        _left_requests(branch, up_to)
        .annotate(senior_approval=_senior_approval())
        .values_list(
            "customer_id",
            "completed_at",
            "senior_approval",
            "customer__branch_id",
            "customer__kind",
            "customer__tier_override",
            "customer__assets",
            "customer__annual_volume",
            "customer__account_manager_id",
        )
    )
    latest: dict[int, DepartedCustomer] = {}
    for (
        customer_id,
        completed_at,
        senior,
        customer_branch_id,
        kind,
        tier_override,
        assets,
        volume,
        manager_id,
    ) in rows:
        is_institution = kind == CustomerKind.INSTITUTION
        known = latest.get(customer_id)
        priority = (known is not None and known.priority) or _was_priority(
            is_institution=is_institution,
            tier=tier_of(
                branch_id=customer_branch_id,
                tier_override=tier_override,
                assets=assets,
                volume=volume,
            ),
            senior_approval=senior,
        )
        latest[customer_id] = DepartedCustomer(
            customer_id=customer_id,
            account_manager_id=manager_id,
            is_institution=is_institution,
            left_on=completed_at.astimezone(BEIJING).date(),  # type: ignore[union-attr]
            priority=priority,
        )
    return list(latest.values())


def task_list_queryset(branch_id: int) -> RevisitTaskQuerySet:
    return RevisitTask.objects.for_branch(branch_id).select_related(  # type: ignore[return-value]
        "customer", "customer__branch", "owner"
    )


def tasks_for_owner(*, owner: Staff, until: dt.date) -> QuerySet[RevisitTask]:
    """A person's open revisits due on or before `until` (late ones first, by due date)."""
    return (
        task_list_queryset(owner.branch_pk)
        .filter(owner=owner, status=TaskStatus.OPEN, due_on__lte=until)
        .order_by("due_on", "pk")
    )


def tasks_upcoming(*, owner: Staff, after: dt.date, limit: int = 50) -> QuerySet[RevisitTask]:
    return (
        task_list_queryset(owner.branch_pk)
        .filter(owner=owner, status=TaskStatus.OPEN, due_on__gt=after)
        .order_by("due_on", "pk")[:limit]
    )


def tasks_late(*, branch_id: int, today: dt.date) -> QuerySet[RevisitTask]:
    return task_list_queryset(branch_id).late(today).order_by("due_on", "pk")


def tasks_recent_done(*, owner: Staff, limit: int = 10) -> QuerySet[RevisitTask]:
    return (
        task_list_queryset(owner.branch_pk)
        .filter(owner=owner, status=TaskStatus.DONE)
        .order_by("-done_on", "-pk")[:limit]
    )


def customer_history(*, customer: Customer) -> QuerySet[RevisitTask]:
    return (
        RevisitTask.objects.filter(customer=customer)
        .select_related("owner", "recorded_by")
        .order_by("-due_on", "-pk")
    )


def task_trail(*, task: RevisitTask) -> QuerySet[RevisitTaskAuditEntry]:
    """The task's audit trail, oldest first: who recorded, reassigned or cancelled it."""
    return task.audit_entries.select_related("actor", "from_owner", "to_owner").order_by("at", "pk")


def event_candidates(
    *,
    branch: Branch,
    today: dt.date,
    tier: str = "",
    account_manager_id: int | None = None,
    left_within_months: int | None = None,
) -> list[Customer]:
    """Art. 33: customers who transferred out, filtered for an invitation list."""
    since = None
    if left_within_months:
        since = today - dt.timedelta(days=round(left_within_months * 30.44))
    found = latest_departures(branch=branch, up_to=today, since=since)
    customers = []
    for departure in found.values():
        customer = departure.customer
        if account_manager_id and customer.account_manager_id != account_manager_id:
            continue
        if tier == "priority" and not departure.priority:
            continue
        if tier == Tier.ORDINARY and departure.priority:
            continue
        if tier == "institution" and not customer.is_institution:
            continue
        customers.append(customer)
    return sorted(customers, key=lambda c: c.fund_account)


def events_for_branch(branch_id: int) -> QuerySet[RevisitEvent]:
    return RevisitEvent.objects.filter(branch_id=branch_id).select_related("created_by")
