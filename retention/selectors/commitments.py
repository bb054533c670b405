"""Reads of commitments, contact tasks and the badges other pages show beside a customer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Customer, Staff
from kernel.calendar import beijing_today
from transfers.models import TransferRequest, TransferState

from ..models import (
    AtRiskFlag,
    Commitment,
    CommitmentStatus,
    Complaint,
    ComplaintStatus,
    RetentionContactTask,
    TaskStatus,
)

RISK_BADGE_DAYS = 7


def overdue_commitments(*, branch_id: int, today: dt.date) -> QuerySet[Commitment]:
    """Open promises whose due day has passed (the due day itself is still in time)."""
    return (
        Commitment.objects.filter(
            branch_id=branch_id, status=CommitmentStatus.OPEN, due_on__lt=today
        )
        .select_related("customer", "customer__branch", "owner")
        .order_by("due_on", "pk")
    )


def commitments_for_owner(*, owner: Staff) -> QuerySet[Commitment]:
    """The owner's open promises, the most urgent first."""
    return (
        Commitment.objects.filter(
            branch_id=owner.branch_pk, owner=owner, status=CommitmentStatus.OPEN
        )
        .select_related("customer", "customer__branch", "request")
        .order_by("due_on", "pk")
    )


def contact_tasks_for(*, user: Staff) -> QuerySet[RetentionContactTask]:
    return (
        RetentionContactTask.objects.filter(branch_id=user.branch_pk, status=TaskStatus.OPEN)
        .filter(Q(assigned_to=user) | Q(team__members=user))
        .select_related("customer", "customer__branch", "team", "departure", "assigned_to")
        .distinct()
        .order_by("due_on", "pk")
    )


def retention_badges_for(customers: Iterable[Customer]) -> dict[int, list[str]]:
    """Badges for many customers at once, in a fixed number of queries: a deferred request,
    open and overdue promises, open complaints, a recent at-risk flag."""
    ids = [c.pk for c in customers]
    today = beijing_today()
    badges: dict[int, list[str]] = defaultdict(list)
    deferred = dict(
        TransferRequest.objects.filter(
            customer_id__in=ids, state=TransferState.DEFERRED
        ).values_list("customer_id", "follow_up_on")
    )
    promises = {
        row["customer_id"]: row
        for row in Commitment.objects.filter(customer_id__in=ids, status=CommitmentStatus.OPEN)
        .values("customer_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    }
    complaints = dict(
        Complaint.objects.filter(customer_id__in=ids, status=ComplaintStatus.OPEN)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .values_list("customer_id", "n")
    )
    at_risk = dict(
        AtRiskFlag.objects.filter(
            customer_id__in=ids, business_date__gt=today - dt.timedelta(days=RISK_BADGE_DAYS)
        )
        .values("customer_id")
        .annotate(last=Max("business_date"))
        .values_list("customer_id", "last")
    )
    for pk in ids:
        if pk in deferred:
            follow_up = deferred[pk]
            badges[pk].append(
                _("deferred, follow up {date}").format(date=follow_up.isoformat())
                if follow_up
                else _("deferred")
            )
        if pk in promises:
            n, late = promises[pk]["open"], promises[pk]["overdue"]
            badges[pk].append(
                ngettext("%(n)d open commitment", "%(n)d open commitments", n) % {"n": n}
            )
            if late:
                badges[pk].append(ngettext("%(n)d overdue", "%(n)d overdue", late) % {"n": late})
        if pk in complaints:
            n = complaints[pk]
            badges[pk].append(
                ngettext("%(n)d open complaint", "%(n)d open complaints", n) % {"n": n}
            )
        if pk in at_risk:
            badges[pk].append(_("at risk"))
    return {pk: badges.get(pk, []) for pk in ids}


def customer_retention_badges(customer: Customer) -> list[str]:
    """e.g. ["deferred, follow up 2026-12-09", "2 open commitments"] — for any page that
    shows the customer (issue: a customer who deferred and has open commitments is shown
    as such everywhere)."""
    return retention_badges_for([customer])[customer.pk]
