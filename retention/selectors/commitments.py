"""Reads of commitments, contact tasks and the badges other pages show beside a customer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Customer, Staff
from kernel.calendar import beijing_today
from kernel.memo import remembered
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
# What kernel.memo keeps of a customer's badges for one page.
BADGES = "retention.badges"


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
    """Badges for many customers at once, in one query: a deferred request, open and overdue
    promises, open complaints, a recent at-risk flag."""
    ids = [c.pk for c in customers]
    if not ids:
        return {}
    today = beijing_today()
    open_promises = Commitment.objects.filter(customer=OuterRef("pk"), status=CommitmentStatus.OPEN)
    deferred = TransferRequest.objects.filter(
        customer=OuterRef("pk"), state=TransferState.DEFERRED
    ).order_by("-created_at")
    signals = {
        row["pk"]: row
        for row in Customer.objects.filter(pk__in=ids)
        .annotate(
            badge_deferred=Exists(deferred),
            badge_follow_up_on=Subquery(deferred.values("follow_up_on")[:1]),
            badge_promises=_count(open_promises),
            badge_overdue=_count(open_promises.filter(due_on__lt=today)),
            badge_complaints=_count(
                Complaint.objects.filter(customer=OuterRef("pk"), status=ComplaintStatus.OPEN)
            ),
            badge_at_risk=Exists(
                AtRiskFlag.objects.filter(
                    customer=OuterRef("pk"),
                    business_date__gt=today - dt.timedelta(days=RISK_BADGE_DAYS),
                )
            ),
        )
        .values(
            "pk",
            "badge_deferred",
            "badge_follow_up_on",
            "badge_promises",
            "badge_overdue",
            "badge_complaints",
            "badge_at_risk",
        )
    }
    badges: dict[int, list[str]] = defaultdict(list)
    for pk in ids:
        row = signals.get(pk)
        if row is None:
            continue
        if row["badge_deferred"]:
            follow_up = row["badge_follow_up_on"]
            badges[pk].append(
                _("deferred, follow up {date}").format(date=follow_up.isoformat())
                if follow_up
                else _("deferred")
            )
        if n := row["badge_promises"]:
            badges[pk].append(
                ngettext("%(n)d open commitment", "%(n)d open commitments", n) % {"n": n}
            )
            if late := row["badge_overdue"]:
                badges[pk].append(ngettext("%(n)d overdue", "%(n)d overdue", late) % {"n": late})
        if n := row["badge_complaints"]:
            badges[pk].append(
                ngettext("%(n)d open complaint", "%(n)d open complaints", n) % {"n": n}
            )
        if row["badge_at_risk"]:
            badges[pk].append(_("at risk"))
    return {pk: badges.get(pk, []) for pk in ids}


def customer_retention_badges(customer: Customer) -> list[str]:
    """e.g. ["deferred, follow up 2026-12-09", "2 open commitments"] — for any page that
    shows the customer: a customer who deferred and has open promises is shown as such
    everywhere. Read once per page however many parts of it show them (kernel.memo; a page
    that records a promise redirects, so the page after it reads afresh)."""
    return remembered(
        (BADGES, customer.pk, beijing_today()),
        lambda: retention_badges_for([customer])[customer.pk],
    )


def _count(rows: QuerySet[Any]) -> Coalesce:
    """How many of these rows there are, as a subquery of the outer customer."""
    counted = rows.order_by().values("customer_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
