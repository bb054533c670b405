"""The signs in a month's records that a branch may not be keeping to the rules from outside
the source (DOMAIN.md): two trading days for a transfer or closure (CSDC 2018; CSRC Order
204), and no forced retention (CSRC notice of 2009; Order 204). Each sign is read for every
branch at once, a fixed number of queries whatever their number, and gives per branch the
count of cases and the requests behind them; headoffice/services/alerts.py compares the
count with its threshold (headoffice/thresholds.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from kernel.calendar import BEIJING
from retention.selectors.analysis import add_months
from transfers.models import AuditAction, TransferAuditEntry, TransferRequest, TransferState

from .models import AlertSign
from .selectors import late_requests_in_month
from .thresholds import REOPEN_WINDOW_DAYS, REPEAT_DEFERRAL_WINDOW_DAYS


@dataclass
class Finding:
    """One branch's cases of a sign in a month: how many, and the requests behind them."""

    count: int = 0
    request_ids: set[int] = field(default_factory=set)

    @property
    def ids(self) -> list[int]:
        return sorted(self.request_ids)


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=BEIJING)


def late_request_findings(*, month: dt.date, today: dt.date) -> dict[int, Finding]:
    """Each request whose two trading days ran out in the month before the branch was done
    is a case (the same definition as the console's figure)."""
    found: dict[int, Finding] = defaultdict(Finding)
    for branch_id, pk in late_requests_in_month(month=month, today=today).values_list(
        "branch_id", "pk"
    ):
        found[branch_id].count += 1
        found[branch_id].request_ids.add(pk)
    return dict(found)


def repeat_deferral_findings(*, month: dt.date) -> dict[int, Finding]:
    """A customer who deferred (暂缓办理) in the month, and had already deferred for the
    same primary reason within REPEAT_DEFERRAL_WINDOW_DAYS before, is a case: one per
    customer, whatever the number of deferrals. Every deferral is a row of the request's
    audit trail (transfers: the "defer" transition; retention's work memo keeps only the
    last one of a request); the reason is the request's primary reason. The requests behind
    it are those of the customer's deferrals for that reason in the window."""
    window = dt.timedelta(days=REPEAT_DEFERRAL_WINDOW_DAYS)
    first, after = _start(month.replace(day=1)), _start(add_months(month, 1))
    deferrals: dict[tuple[int, int], list[tuple[dt.datetime, int, int]]] = defaultdict(list)
    for branch_id, customer_id, reason_id, request_id, at in (
        TransferAuditEntry.objects.filter(
            action=AuditAction.DEFER,
            at__gte=first - window,
            at__lt=after,
            request__primary_reason__isnull=False,
        )
        .order_by("at", "pk")
        .values_list(
            "request__branch_id",
            "request__customer_id",
            "request__primary_reason_id",
            "request_id",
            "at",
        )
    ):
        deferrals[(customer_id, reason_id)].append((at, request_id, branch_id))

    found: dict[int, Finding] = defaultdict(Finding)
    counted: set[tuple[int, int]] = set()  # (branch, customer): one case per customer
    for (customer_id, _reason), rows in deferrals.items():
        for i, (at, request_id, branch_id) in enumerate(rows):
            if at < first:
                continue
            earlier = [r for r in rows[:i] if r[0] >= at - window]
            if not earlier:
                continue
            finding = found[branch_id]
            if (branch_id, customer_id) not in counted:
                counted.add((branch_id, customer_id))
                finding.count += 1
            finding.request_ids.update([request_id, *(r[1] for r in earlier)])
    return dict(found)


def withdrawn_reopened_findings(*, month: dt.date) -> dict[int, Finding]:
    """A request opened in the month by a customer whose earlier request was withdrawn
    ("customer stays") at most REOPEN_WINDOW_DAYS before is a case, with the withdrawn
    request(s) behind it."""
    window = dt.timedelta(days=REOPEN_WINDOW_DAYS)
    first, after = _start(month.replace(day=1)), _start(add_months(month, 1))
    withdrawn = TransferRequest.objects.filter(
        state=TransferState.WITHDRAWN, ended_at__gte=first - window, ended_at__lt=after
    )
    ended: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for customer_id, pk, ended_at in withdrawn.values_list("customer_id", "pk", "ended_at"):
        if ended_at is not None:  # the filter on it leaves none without
            ended[customer_id].append((ended_at, pk))

    found: dict[int, Finding] = defaultdict(Finding)
    for branch_id, customer_id, pk, created_at in (
        TransferRequest.objects.filter(
            created_at__gte=first,
            created_at__lt=after,
            customer_id__in=withdrawn.values("customer_id"),
        )
        .order_by("created_at", "pk")
        .values_list("branch_id", "customer_id", "pk", "created_at")
    ):
        before = [w for at, w in ended[customer_id] if at < created_at <= at + window]
        if before:
            found[branch_id].count += 1
            found[branch_id].request_ids.update([pk, *before])
    return dict(found)


def month_findings(*, month: dt.date, today: dt.date) -> dict[str, dict[int, Finding]]:
    """Every sign's findings for the month, per branch."""
    return {
        AlertSign.LATE_REQUESTS: late_request_findings(month=month, today=today),
        AlertSign.REPEAT_DEFERRAL: repeat_deferral_findings(month=month),
        AlertSign.WITHDRAWN_REOPENED: withdrawn_reopened_findings(month=month),
    }
