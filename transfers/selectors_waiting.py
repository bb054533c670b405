"""Whom a request awaiting approval waits for, and since when (Art. 9, 10, 17): read from
the audit trail (when this round began to await approval) and the round's approvals (when
each later step opened). The request page, the approvers' queue and the counter's alert of a
customer kept waiting all read it here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from . import approval_rules as rules
from .models import ApprovalStep, AuditAction, TransferAuditEntry, TransferRequest, TransferState

# The transitions that put a request in front of its approvers, each starting a round.
ENTERS_APPROVAL = (AuditAction.GO_ON, AuditAction.RESUME)


@dataclass(frozen=True)
class Waiting:
    """One or more open steps, waiting since the same moment."""

    steps: tuple[ApprovalStep, ...]
    since: dt.datetime

    @property
    def label(self) -> str:
        return "、".join(str(step.label) for step in self.steps)

    @property
    def since_display(self) -> str:
        """The time alone today, the day and time before."""
        local = timezone.localtime(self.since)
        if local.date() == timezone.localdate():
            return f"{local:%H:%M}"
        return f"{local:%m-%d %H:%M}"


def awaiting_since(req: TransferRequest) -> dt.datetime:
    """When the current round began to await approval, from the request's audit trail (its
    prefetched entries when the page has them). A request written without its trail counts
    from when it was received."""
    entered = [e.at for e in req.audit_entries.all() if e.action in ENTERS_APPROVAL]
    return max(entered, default=req.created_at)


def awaiting_since_of(requests: Iterable[TransferRequest]) -> dict[int, dt.datetime]:
    """awaiting_since for many requests in one query (the approvers' queue)."""
    requests = list(requests)
    entered = dict(
        TransferAuditEntry.objects.filter(
            request__in=[r.pk for r in requests], action__in=ENTERS_APPROVAL
        )
        .values("request_id")
        .annotate(last=Max("at"))
        .values_list("request_id", "last")
    )
    return {r.pk: entered.get(r.pk, r.created_at) for r in requests}


def waiting_for(req: TransferRequest, *, since: dt.datetime | None = None) -> list[Waiting]:
    """The open steps of a request awaiting approval, each with the moment it opened: the
    round's start for the steps open from the first, the approval that opened it for a
    later one (the director's once the lead and the account manager are in). Empty when the
    request does not await approval. Reads the request's approvals (prefetched on the pages)."""
    if req.state != TransferState.AWAITING_APPROVAL:
        return []
    route = rules.route_for(req)
    start = since or awaiting_since(req)
    current = sorted(
        (a for a in req.approvals.all() if a.round == req.approval_round),
        key=lambda a: (a.approved_at, a.pk),
    )
    opened: dict[ApprovalStep, dt.datetime] = {}
    done: set[str] = set()
    for step in rules.open_steps(route, done):
        opened[step] = start
    for approval in current:
        done.add(approval.step)
        for step in rules.open_steps(route, done):
            opened.setdefault(step, max(approval.approved_at, start))
    still_open = rules.open_steps(route, done)
    by_moment: dict[dt.datetime, list[ApprovalStep]] = {}
    for step in still_open:
        by_moment.setdefault(opened[step], []).append(step)
    return [
        Waiting(steps=tuple(steps), since=moment) for moment, steps in sorted(by_moment.items())
    ]
