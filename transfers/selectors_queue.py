"""The approvals queue in the order approvers work it: customers at the counter first (the
request came in today and awaits its approvals: someone is standing there), then by how long
each has waited, longest first (selectors_waiting.awaiting_since, in SQL); each row carries
what the approver decides from without opening the request — the customer's tier, what they
ask for, the primary reason and the retention attempts (Art. 8, 9, 10, 17)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import Staff, Tier
from kernel.calendar import BEIJING, beijing_today

from .hooks import queue_counts
from .models import TransferAuditEntry, TransferRequest
from .selectors import _approval_tier, requests_awaiting
from .selectors_waiting import ENTERS_APPROVAL, waiting_for


def approvals_queue(actor: Staff) -> QuerySet[TransferRequest]:
    """What waits for this person's approval now (selectors.requests_awaiting: the same
    requests), customers at the counter first, then the longest waiting."""
    today = beijing_today()
    start_of_today = dt.datetime.combine(today, dt.time.min, tzinfo=BEIJING)
    entered = (
        TransferAuditEntry.objects.filter(request=OuterRef("pk"), action__in=ENTERS_APPROVAL)
        .order_by("-at")
        .values("at")[:1]
    )
    return (
        requests_awaiting(actor)
        .select_related("primary_reason")
        .annotate(
            # As awaiting_since: a request written without its trail counts from reception.
            waiting_since=Coalesce(Subquery(entered), F("created_at")),
            at_counter=Case(
                When(created_at__gte=start_of_today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            queue_tier=_approval_tier(actor.branch_pk),
            **queue_counts(),
        )
        .order_by("-at_counter", "waiting_since", "pk")
    )


def queue_rows(requests: list[TransferRequest]) -> list[dict[str, Any]]:
    """One row per request of a page of the queue, from what its query annotated."""
    return [
        {
            "req": req,
            "at_counter": req.at_counter,  # type: ignore[attr-defined]
            "tier": Tier(req.queue_tier).label,  # type: ignore[attr-defined]
            "waiting": waiting_for(req, since=req.waiting_since),  # type: ignore[attr-defined]
            "retention_attempts": getattr(req, "attempts_count", None),
        }
        for req in requests
    ]
