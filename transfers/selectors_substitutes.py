"""Reads for substitutes for a period: the branch's substitutions, and what a substitute did
in an absent approver's name."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet, Subquery

from accounts.models import Staff

from .models import Approval, Substitution


def substitutions_of_branch(*, branch_id: int, today: dt.date) -> QuerySet[Substitution]:
    """Those in force or still to come, then the last month's ended or cancelled ones."""
    return (
        Substitution.objects.filter(branch_id=branch_id)
        .filter(Q(ends_on__gte=today - dt.timedelta(days=31)))
        .select_related("absent", "substitute", "named_by", "cancelled_by")
        .order_by("cancelled_at", "-starts_on", "-pk")
    )


def approvals_given_for(actor: Staff, *, today: dt.date) -> QuerySet[Approval]:
    """What substitutes approved in this person's name since their latest substitution that
    has begun (the absent approver sees it on return). One query: the queue page shows it."""
    began = (
        Substitution.objects.filter(absent=actor, starts_on__lte=today)
        .order_by("-starts_on", "-pk")
        .values("starts_on")[:1]
    )
    return (
        Approval.objects.filter(on_behalf_of=actor, approved_at__date__gte=Subquery(began))
        .select_related("request", "request__customer", "request__customer__branch", "approver")
        .order_by("-approved_at")
    )
