"""Every branch's figures of one month, kept for the head office (Art. 7 for the firm).

Churn and retention come from retention's own monthly analysis, branch by branch, so the
console and a branch's analysis page never disagree; the compliance figures are counted for
all branches at once, a fixed number of queries whatever their number."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import Branch
from archives.models import AccessAction, AccessLogEntry
from kernel.calendar import BEIJING
from retention.selectors.analysis import add_months, monthly_figures
from revisits.models import RevisitTask, TaskStatus

from ..models import BranchMonthFigures
from ..selectors import (
    blocked_checked_in_month,
    condition_codes,
    late_requests_in_month,
    overdue_sign_offs_in_month,
)


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=BEIJING)


def _per_branch(rows: Any, field: str = "n") -> dict[int, int]:
    return {r["branch_id"]: r[field] for r in rows}


def _compliance(*, first: dt.date, after: dt.date, today: dt.date) -> dict[str, Any]:
    late = _per_branch(
        late_requests_in_month(month=first, today=today)
        .values("branch_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Art. 17: a phone approval's written sign-off due this month and not given by then.
    sign_offs = _per_branch(
        overdue_sign_offs_in_month(month=first, today=today)
        .values(branch_id=F("request__branch_id"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Art. 31-32: the revisits falling due this month, and how many were made.
    revisit_rows = (
        RevisitTask.objects.filter(due_on__gte=first, due_on__lt=after)
        .exclude(status=TaskStatus.CANCELLED)
        .values("branch_id")
        .annotate(due=Count("pk"), done=Count("pk", filter=Q(status=TaskStatus.DONE)))
        .order_by()
    )
    # Records Art. 6: a file opened without a grant, or after it ran out. Expected 0.
    outside = _per_branch(
        AccessLogEntry.objects.filter(
            Q(access_request__isnull=True) | Q(at__gt=F("access_request__expires_at")),
            action__in=[AccessAction.VIEW, AccessAction.DOWNLOAD],
            at__gte=_start(first),
            at__lt=_start(after),
        )
        .values("branch_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Art. 16: which condition held up the requests checked this month.
    blocked: dict[int, Counter[str]] = {}
    for branch_id, conditions in blocked_checked_in_month(month=first).values_list(
        "branch_id", "blocking_conditions"
    ):
        blocked.setdefault(branch_id, Counter()).update(condition_codes(conditions))
    return {
        "late": late,
        "sign_offs": sign_offs,
        "revisits": {r["branch_id"]: r for r in revisit_rows},
        "outside": outside,
        "blocked": blocked,
    }


def _row(
    *, branch: Branch, first: dt.date, figures: dict[str, Any], c: dict[str, Any], now: Any
) -> BranchMonthFigures:
    commitments = figures["commitments"]
    revisits = c["revisits"].get(branch.pk, {})
    return BranchMonthFigures(
        branch=branch,
        month=first,
        churn_count=figures["churn"]["count"],
        churn_assets=Decimal(figures["churn"]["assets"]),
        decided=figures["retention"]["decided"],
        stayed=figures["retention"]["stayed"],
        by_reason=[
            {k: r[k] for k in ("code", "name_zh", "name_en", "count", "assets")}
            for r in figures["by_reason"]
        ],
        by_tier=figures["by_tier"],
        by_broker=figures["by_broker"],
        late_requests=c["late"].get(branch.pk, 0),
        overdue_sign_offs=c["sign_offs"].get(branch.pk, 0),
        revisits_due=revisits.get("due", 0),
        revisits_done=revisits.get("done", 0),
        # As the branch's analysis counts them: a cancelled promise is not due (Art. 29).
        commitments_due=commitments["due"] - commitments["cancelled"],
        commitments_kept_on_time=commitments["kept_on_time"],
        archive_access_outside_grants=c["outside"].get(branch.pk, 0),
        blocked_by_condition=dict(sorted(c["blocked"].get(branch.pk, Counter()).items())),
        computed_at=now,
    )


_UPDATED = [
    f.name
    for f in BranchMonthFigures._meta.concrete_fields
    if f.name not in ("id", "branch", "month")
]


@transaction.atomic
def branch_month_figures_compute(
    *, month: dt.date, today: dt.date, branches: list[Branch] | None = None
) -> int:
    """Compute and keep every branch's figures for `month`; returns how many branches.
    Safe to run twice: each (branch, month) row is replaced with the figures as they stand
    on `today` (the scheduler runs it on the first trading day of the next month)."""
    first = month.replace(day=1)
    after = add_months(first, 1)
    branches = list(branches if branches is not None else Branch.objects.order_by("code"))
    compliance = _compliance(first=first, after=after, today=today)
    now = timezone.now()
    rows = [
        _row(
            branch=branch,
            first=first,
            figures=monthly_figures(branch=branch, month=first),
            c=compliance,
            now=now,
        )
        for branch in branches
    ]
    BranchMonthFigures.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["branch", "month"],
        update_fields=_UPDATED,
    )
    return len(rows)
