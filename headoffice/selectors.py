"""What the head office reads: the requests behind a compliance figure (one definition for
the figure and for the list it opens) and the stored monthly figures, aggregated for the
firm without touching a customer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from kernel.calendar import BEIJING
from retention.models import MemoOutcome, WorkMemo
from retention.selectors.analysis import add_months, rate
from transfers.models import Approval, ApprovalMode, TransferRequest, TransferState
from transfers.models.requests import RUNNING_STATES

from .models import BranchMonthFigures

TREND_MONTHS = 12


def late_requests_in_month(
    *, month: dt.date, today: dt.date, last: dt.date | None = None
) -> QuerySet[TransferRequest]:
    """Requests whose two trading days (CSDC 2018 notice; CSRC Order 204) ran out in
    `month` (to month `last`, when given) before the branch was done: the transfer part
    finished after its due day (or still runs past it), or the closure (Art. 19) closed
    after its own due day (or still waits past it). A deferral stops the clock, so a
    deferred request counts only if it was already late. The figure and the list behind it
    both come from here."""
    first, after = month.replace(day=1), add_months(last or month, 1)
    transfer_done_on = TruncDate(Coalesce("completed_at", "ended_at"), tzinfo=BEIJING)
    closed_on = TruncDate("account_closed_at", tzinfo=BEIJING)
    still_running = RUNNING_STATES - {TransferState.CLOSURE_PENDING}
    return TransferRequest.objects.annotate(
        transfer_done_on=transfer_done_on, closed_on=closed_on
    ).filter(
        Q(due_on__gte=first, due_on__lt=after)
        & (
            Q(transfer_done_on__gt=F("due_on"))
            | Q(transfer_done_on__isnull=True, state__in=still_running, due_on__lt=today)
        )
        | Q(closure_due_on__gte=first, closure_due_on__lt=after)
        & (
            Q(closed_on__gt=F("closure_due_on"))
            | Q(
                state=TransferState.CLOSURE_PENDING,
                account_closed_at__isnull=True,
                closure_due_on__lt=today,
            )
        )
    )


def overdue_sign_offs_in_month(
    *, month: dt.date, today: dt.date, last: dt.date | None = None
) -> QuerySet[Approval]:
    """Art. 17: the phone approvals whose written sign-off fell due in `month` (to month
    `last`) and was not given by then. A disputed approval is never signed off, so it is not
    counted. The figure and the list behind it both come from here."""
    first, after = month.replace(day=1), add_months(last or month, 1)
    return Approval.objects.annotate(signed_on=TruncDate("signed_off_at", tzinfo=BEIJING)).filter(
        Q(signed_on__gt=F("sign_off_due_on"))
        | Q(signed_off_at__isnull=True, sign_off_due_on__lt=today),
        mode=ApprovalMode.PHONE,
        dispute__isnull=True,
        sign_off_due_on__gte=first,
        sign_off_due_on__lt=after,
    )


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=BEIJING)


def blocked_checked_in_month(
    *, month: dt.date, last: dt.date | None = None
) -> QuerySet[TransferRequest]:
    """Art. 16: the requests whose blocking conditions were last checked in `month` (to
    month `last`) and found some holding."""
    first, after = month.replace(day=1), add_months(last or month, 1)
    return TransferRequest.objects.filter(
        blocking_checked_at__gte=_start(first), blocking_checked_at__lt=_start(after)
    ).exclude(blocking_conditions=[])


def condition_codes(conditions: list[dict[str, Any]]) -> list[str]:
    """The conditions that held a request up, each once: a request held up by a condition
    counts once under it, however the core system repeated it."""
    return sorted({str(c.get("code", "")) for c in conditions})


def left_in_month(*, month: dt.date, last: dt.date | None = None) -> QuerySet[WorkMemo]:
    """Who left in `month` (to month `last`): the Art. 30 memo of every completed request,
    with its snapshot of the day — what retention's monthly analysis counts
    (retention.selectors.analysis.monthly_figures), branch by branch."""
    first, after = month.replace(day=1), add_months(last or month, 1)
    return WorkMemo.objects.filter(outcome=MemoOutcome.LEFT, left_on__gte=first, left_on__lt=after)


def figures_for(
    *, first: dt.date, last: dt.date, branch_id: int | None = None
) -> list[BranchMonthFigures]:
    """Every branch's (or one branch's) stored figures from month `first` to month `last`:
    one query."""
    rows = BranchMonthFigures.objects.filter(month__gte=first, month__lte=last)
    if branch_id is not None:
        rows = rows.filter(branch_id=branch_id)
    return list(rows.select_related("branch").order_by("branch__code", "month"))


def _merge(rows: list[BranchMonthFigures], attr: str, key: str) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        for item in getattr(row, attr):
            # 150 branches' twelve months hold some 60,000 items: the entry is built once
            # per key, not once per item (setdefault's default would be).
            entry = merged.get(item[key])
            if entry is None:
                entry = merged[item[key]] = {**item, "count": 0, "assets": Decimal("0.00")}
            entry["count"] += item["count"]
            entry["assets"] += Decimal(item["assets"])
    return sorted(merged.values(), key=lambda e: (-e["count"], e[key]))


def _totals(rows: list[BranchMonthFigures]) -> dict[str, Any]:
    decided = sum(r.decided for r in rows)
    stayed = sum(r.stayed for r in rows)
    due = sum(r.commitments_due for r in rows)
    kept = sum(r.commitments_kept_on_time for r in rows)
    revisits_due = sum(r.revisits_due for r in rows)
    revisits_done = sum(r.revisits_done for r in rows)
    blocked: dict[str, int] = {}
    for r in rows:
        for code, n in r.blocked_by_condition.items():
            blocked[code] = blocked.get(code, 0) + n
    return {
        "churn_count": sum(r.churn_count for r in rows),
        "churn_assets": sum((r.churn_assets for r in rows), Decimal("0.00")),
        "decided": decided,
        "stayed": stayed,
        "retention_rate": rate(stayed, decided),
        "late_requests": sum(r.late_requests for r in rows),
        "overdue_sign_offs": sum(r.overdue_sign_offs for r in rows),
        "revisits_due": revisits_due,
        "revisits_done": revisits_done,
        "revisit_coverage": rate(revisits_done, revisits_due),
        "commitments_due": due,
        "commitments_kept_on_time": kept,
        "commitments_on_time_rate": rate(kept, due),
        "archive_access_outside_grants": sum(r.archive_access_outside_grants for r in rows),
        "blocked_by_condition": dict(sorted(blocked.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def console_figures(
    *, first: dt.date, last: dt.date, branch_id: int | None = None
) -> dict[str, Any]:
    """The console's figures for months `first`..`last` (the firm, or one branch): totals,
    the branches ranked by who left, the breakdowns, and the twelve months to `last`. Two
    queries whatever the number of branches."""
    trend_first = min(first, add_months(last, -(TREND_MONTHS - 1)))
    rows = figures_for(first=trend_first, last=last, branch_id=branch_id)
    in_range = [r for r in rows if r.month >= first]
    last_only = [r for r in rows if r.month == last]
    before_only = [r for r in rows if r.month == add_months(last, -1)]

    per_branch: dict[int, list[BranchMonthFigures]] = {}
    for r in in_range:
        per_branch.setdefault(r.branch_id, []).append(r)
    previous_churn = {r.branch_id: r.churn_count for r in before_only}
    last_churn = {r.branch_id: r.churn_count for r in last_only}
    ranking = []
    for branch_rows in per_branch.values():
        branch = branch_rows[0].branch
        totals = _totals(branch_rows)
        ranking.append(
            {
                "branch": branch,
                **totals,
                "change": last_churn.get(branch.pk, 0) - previous_churn.get(branch.pk, 0),
            }
        )
    # Most customers lost first; more assets lost breaks a tie, then the branch code.
    ranking.sort(key=lambda e: (-e["churn_count"], -e["churn_assets"], e["branch"].code))
    for position, entry in enumerate(ranking, start=1):
        entry["position"] = position

    trend = []
    for i in range(TREND_MONTHS):
        month = add_months(last, -(TREND_MONTHS - 1) + i)
        month_rows = [r for r in rows if r.month == month]
        decided = sum(r.decided for r in month_rows)
        stayed = sum(r.stayed for r in month_rows)
        trend.append(
            {
                "month": f"{month:%Y-%m}",
                "churn": sum(r.churn_count for r in month_rows),
                "assets": str(sum((r.churn_assets for r in month_rows), Decimal("0.00"))),
                "decided": decided,
                "stayed": stayed,
                "rate": rate(stayed, decided),
            }
        )
    return {
        "first": f"{first:%Y-%m}",
        "last": f"{last:%Y-%m}",
        "months_computed": sorted({f"{r.month:%Y-%m}" for r in in_range}),
        "totals": _totals(in_range),
        "ranking": ranking,
        "by_reason": _merge(in_range, "by_reason", "code"),
        "by_tier": _merge(in_range, "by_tier", "tier"),
        "by_broker": _merge(in_range, "by_broker", "broker"),
        "trend": trend,
    }
