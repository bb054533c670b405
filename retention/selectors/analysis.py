"""The monthly churn analysis (Art. 7): who left, with how much, why, from whom and to whom;
how often the branch kept a customer, per reason and per playbook step; whether promises
were kept on time; the last twelve months and the change from the month before.

Every figure comes from aggregate queries: the number of queries is the same whatever the
size of the month. The result is plain JSON (Decimals as strings) so it can be stored as the
month's report and exported unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncMonth

from accounts.models import Branch
from kernel.calendar import BEIJING
from transfers.models import TransferRequest, TransferState

from ..models import (
    Commitment,
    CommitmentStatus,
    MemoOutcome,
    PlaybookStep,
    WorkMemo,
)

ZERO = Decimal("0.00")
TREND_MONTHS = 12


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=BEIJING)


def _key(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(BEIJING)
    return f"{value:%Y-%m}"


def rate(part: int, whole: int) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _money(value: Decimal | None) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


def monthly_figures(*, branch: Branch, month: dt.date) -> dict[str, Any]:
    first = month.replace(day=1)
    after = add_months(first, 1)
    previous = add_months(first, -1)
    trend_first = add_months(first, -(TREND_MONTHS - 1))

    # Who left: the Art. 30 memo of every completed request, with its snapshot of the day.
    left = WorkMemo.objects.filter(
        branch=branch, outcome=MemoOutcome.LEFT, left_on__gte=first, left_on__lt=after
    )
    by_reason = [
        {
            "code": r["primary_reason__code"] or "",
            "name_zh": r["primary_reason__name_zh"] or "",
            "name_en": r["primary_reason__name_en"] or "",
            "count": r["count"],
            "assets": _money(r["assets"]),
        }
        for r in left.values(
            "primary_reason__code", "primary_reason__name_zh", "primary_reason__name_en"
        )
        .annotate(count=Count("pk"), assets=Sum("assets"))
        .order_by("-count", "primary_reason__code")
    ]
    by_tier = [
        {"tier": r["tier"], "count": r["count"], "assets": _money(r["assets"])}
        for r in left.values("tier")
        .annotate(count=Count("pk"), assets=Sum("assets"))
        .order_by("tier")
    ]
    by_manager = [
        {
            "id": r["account_manager_id"],
            "name": r["account_manager__display_name"] or r["account_manager__username"] or "",
            "count": r["count"],
            "assets": _money(r["assets"]),
        }
        for r in left.values(
            "account_manager_id", "account_manager__display_name", "account_manager__username"
        )
        .annotate(count=Count("pk"), assets=Sum("assets"))
        .order_by("-count", "account_manager_id")
    ]
    by_broker = [
        {"broker": r["receiving_broker"], "count": r["count"], "assets": _money(r["assets"])}
        for r in left.values("receiving_broker")
        .annotate(count=Count("pk"), assets=Sum("assets"))
        .order_by("-count", "receiving_broker")
    ]
    churn_count = sum(r["count"] for r in by_tier)
    churn_assets = sum((Decimal(r["assets"]) for r in by_tier), ZERO)

    # Retention: every request whose customer decided this month after the retention talk —
    # stayed (withdrawn) or went (completed). Deferrals are counted apart until decided.
    decided = TransferRequest.objects.filter(
        branch=branch,
        state__in=[TransferState.WITHDRAWN, TransferState.COMPLETED],
        primary_reason__isnull=False,
        ended_at__gte=_start(first),
        ended_at__lt=_start(after),
    )
    stayed_q = Q(state=TransferState.WITHDRAWN)
    retention_by_reason = [
        {
            "code": r["primary_reason__code"],
            "name_zh": r["primary_reason__name_zh"],
            "name_en": r["primary_reason__name_en"],
            "decided": r["decided"],
            "stayed": r["stayed"],
            "rate": rate(r["stayed"], r["decided"]),
        }
        for r in decided.values(
            "primary_reason__code", "primary_reason__name_zh", "primary_reason__name_en"
        )
        .annotate(decided=Count("pk"), stayed=Count("pk", filter=stayed_q))
        .order_by("-decided", "primary_reason__code")
    ]
    decided_total = sum(r["decided"] for r in retention_by_reason)
    stayed_total = sum(r["stayed"] for r in retention_by_reason)

    # Which actions keep customers: per step, the requests on which it was done.
    retention_by_step = [
        {
            "reason_code": r["playbook__reason__code"],
            "reason_zh": r["playbook__reason__name_zh"],
            "reason_en": r["playbook__reason__name_en"],
            "key": r["key"],
            "text_zh": r["text_zh"],
            "text_en": r["text_en"],
            "tried": r["tried"],
            "stayed": r["stayed"],
            "rate": rate(r["stayed"], r["tried"]),
        }
        for r in PlaybookStep.objects.filter(attempts__request__in=decided.values("pk"))
        .values(
            "playbook__reason__code",
            "playbook__reason__name_zh",
            "playbook__reason__name_en",
            "playbook__reason__sort_order",
            "key",
        )
        .annotate(
            tried=Count("attempts__request", distinct=True),
            stayed=Count(
                "attempts__request",
                distinct=True,
                filter=Q(attempts__request__state=TransferState.WITHDRAWN),
            ),
            text_zh=Max("text_zh"),
            text_en=Max("text_en"),
        )
        .order_by("playbook__reason__sort_order", "-tried", "key")
    ]
    without = decided.filter(retention_attempts__isnull=True).aggregate(
        decided=Count("pk"), stayed=Count("pk", filter=stayed_q)
    )
    deferred = WorkMemo.objects.filter(
        branch=branch, deferred_on__gte=first, deferred_on__lt=after
    ).count()

    # Promises falling due this month (and last, for the comparison).
    promise_rows = {
        _key(r["m"]): r
        for r in Commitment.objects.filter(branch=branch, due_on__gte=previous, due_on__lt=after)
        .annotate(m=TruncMonth("due_on"))
        .values("m")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(status=CommitmentStatus.KEPT, kept_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(status=CommitmentStatus.KEPT, kept_on__gt=F("due_on"))),
            open=Count("pk", filter=Q(status=CommitmentStatus.OPEN)),
            cancelled=Count("pk", filter=Q(status=CommitmentStatus.CANCELLED)),
        )
    }

    def promises(key: str) -> dict[str, Any]:
        r = promise_rows.get(key, {})
        due, cancelled = r.get("due", 0), r.get("cancelled", 0)
        return {
            "due": due,
            "kept_on_time": r.get("on_time", 0),
            "kept_late": r.get("late", 0),
            "open": r.get("open", 0),
            "cancelled": cancelled,
            "on_time_rate": rate(r.get("on_time", 0), due - cancelled),
        }

    # Twelve months to this one.
    churn_trend = {
        _key(r["m"]): r
        for r in WorkMemo.objects.filter(
            branch=branch, outcome=MemoOutcome.LEFT, left_on__gte=trend_first, left_on__lt=after
        )
        .annotate(m=TruncMonth("left_on"))
        .values("m")
        .annotate(count=Count("pk"), assets=Sum("assets"))
    }
    decided_trend = {
        _key(r["m"]): r
        for r in TransferRequest.objects.filter(
            branch=branch,
            state__in=[TransferState.WITHDRAWN, TransferState.COMPLETED],
            primary_reason__isnull=False,
            ended_at__gte=_start(trend_first),
            ended_at__lt=_start(after),
        )
        .annotate(m=TruncMonth("ended_at", tzinfo=BEIJING))
        .values("m")
        .annotate(decided=Count("pk"), stayed=Count("pk", filter=stayed_q))
    }
    trend = []
    for i in range(TREND_MONTHS):
        key = _key(add_months(trend_first, i))
        c, d = churn_trend.get(key, {}), decided_trend.get(key, {})
        trend.append(
            {
                "month": key,
                "churn": c.get("count", 0),
                "assets": _money(c.get("assets")),
                "decided": d.get("decided", 0),
                "stayed": d.get("stayed", 0),
                "rate": rate(d.get("stayed", 0), d.get("decided", 0)),
            }
        )
    this, before = trend[-1], trend[-2]
    this_promises, before_promises = promises(_key(first)), promises(_key(previous))

    def delta_rate(a: str | None, b: str | None) -> str | None:
        return None if a is None or b is None else str(Decimal(a) - Decimal(b))

    return {
        "branch": {"id": branch.pk, "code": branch.code, "name": branch.name},
        "month": _key(first),
        "churn": {"count": churn_count, "assets": _money(churn_assets)},
        "deferred": deferred,
        "retention": {
            "decided": decided_total,
            "stayed": stayed_total,
            "rate": rate(stayed_total, decided_total),
        },
        "by_reason": by_reason,
        "by_tier": by_tier,
        "by_manager": by_manager,
        "by_broker": by_broker,
        "retention_by_reason": retention_by_reason,
        "retention_by_step": retention_by_step,
        "retention_without_attempt": {
            "decided": without["decided"],
            "stayed": without["stayed"],
            "rate": rate(without["stayed"], without["decided"]),
        },
        "commitments": this_promises,
        "trend": trend,
        "previous": {
            "month": before["month"],
            "churn": before["churn"],
            "assets": before["assets"],
            "retention_rate": before["rate"],
            "commitments_on_time_rate": before_promises["on_time_rate"],
        },
        "change": {
            "churn": this["churn"] - before["churn"],
            "assets": _money(Decimal(this["assets"]) - Decimal(before["assets"])),
            "retention_rate": delta_rate(this["rate"], before["rate"]),
            "commitments_on_time_rate": delta_rate(
                this_promises["on_time_rate"], before_promises["on_time_rate"]
            ),
        },
    }
