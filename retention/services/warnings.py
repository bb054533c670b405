"""Early warning (Art. 5–6): the core system's daily figures, complaints, and the nightly
rule-based scan that lists the customers who may be about to leave — each flag with the rule
that fired and the numbers behind it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Branch, Customer, Staff
from kernel.bulk import insert_skipping_conflicts
from kernel.calendar import CalendarUnknown, TradingCalendar, beijing_today
from kernel.errors import InvalidInput, require_same_branch
from notifications.services import notify
from transfers.models import TransferRequest, TransferState

from .. import permissions
from ..models import (
    AtRiskFlag,
    Complaint,
    ComplaintStatus,
    DailyCustomerMetrics,
    MemoOutcome,
    RetentionAction,
    RetentionContactTask,
    RiskRule,
    WorkMemo,
)
from ..selectors.risk import RetentionSettings, retention_settings_for
from ._common import apply_transition, clean_text, require

# ---------------------------------------------------------------------------------------
# Daily figures from the core system
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricsRow:
    fund_account: str
    date: dt.date
    assets: Decimal
    trades_count: int


@dataclass
class MetricsLoadResult:
    created: int = 0
    updated: int = 0
    unknown_accounts: list[str] = field(default_factory=list)
    rows: int = 0  # the lines read, a day's repeated line included


BATCH = 1000


@transaction.atomic
def metrics_load(*, branch: Branch, rows: Iterable[MetricsRow]) -> MetricsLoadResult:
    """Load a day's (or several days') figures for the branch's customers. Loading the same
    file twice changes nothing; a corrected file overwrites the figures. Accounts not at
    this branch are reported, never created."""
    rows = list(rows)
    for row in rows:
        if not isinstance(row.assets, Decimal) or row.assets < 0 or row.trades_count < 0:
            raise InvalidInput(
                _("Bad figures for {account} on {date}.").format(
                    account=row.fund_account, date=row.date
                ),
            )
    accounts = {r.fund_account for r in rows}
    ids = dict(
        Customer.objects.filter(branch=branch, fund_account__in=accounts).values_list(
            "fund_account", "pk"
        )
    )
    result = MetricsLoadResult(unknown_accounts=sorted(accounts - ids.keys()), rows=len(rows))
    latest: dict[tuple[int, dt.date], MetricsRow] = {}
    for row in rows:
        if row.fund_account in ids:
            latest[(ids[row.fund_account], row.date)] = row  # the last line for a day wins
    keys = list(latest)
    dates = {d for _c, d in keys}
    existing = set(
        DailyCustomerMetrics.objects.filter(
            customer_id__in={c for c, _d in keys}, date__in=dates
        ).values_list("customer_id", "date")
    )
    result.created = sum(1 for k in keys if k not in existing)
    result.updated = len(keys) - result.created
    objects = [
        DailyCustomerMetrics(customer_id=c, date=d, assets=r.assets, trades_count=r.trades_count)
        for (c, d), r in latest.items()
    ]
    for start in range(0, len(objects), BATCH):
        DailyCustomerMetrics.objects.bulk_create(
            objects[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["customer", "date"],
            update_fields=["assets", "trades_count"],
        )
    return result


# ---------------------------------------------------------------------------------------
# Complaints
# ---------------------------------------------------------------------------------------


@transaction.atomic
def complaint_record(
    *, customer: Customer, actor: Staff, summary: str, received_on: dt.date | None = None
) -> Complaint:
    require_same_branch(customer.branch_id, actor)
    require(permissions.talks_with_customers(actor))
    received_on = received_on or beijing_today()
    if received_on > beijing_today():
        raise InvalidInput(_("A complaint cannot be received in the future."))
    complaint = Complaint.objects.create(
        branch_id=customer.branch_id,
        customer=customer,
        received_on=received_on,
        summary=clean_text(summary, field=_("Complaint"), max_length=300),
        recorded_by=actor,
    )
    if customer.account_manager is not None and customer.account_manager.pk != actor.pk:
        notify(
            recipients=[customer.account_manager],
            subject=_("Complaint from {customer}").format(customer=customer),
            body=complaint.summary,
            link=reverse("retention_customer", args=[customer.pk]),
        )
    return complaint


@transaction.atomic
def complaint_resolve(
    *, complaint: Complaint, actor: Staff, resolution: str, client_ip: str | None = None
) -> Complaint:
    require_same_branch(complaint.branch_id, actor)
    require(permissions.talks_with_customers(actor))
    locked = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
    locked.resolution = clean_text(resolution, field=_("Resolution"), max_length=2000)
    locked.resolved_on = beijing_today()
    apply_transition(
        locked,
        "resolve",
        actor=actor,
        action=RetentionAction.COMPLAINT_RESOLVED,
        refusal=_("This complaint is already resolved."),
        comment=locked.resolution,
        client_ip=client_ip,
        update_fields=["resolution", "resolved_on"],
    )
    return locked


# ---------------------------------------------------------------------------------------
# The at-risk scan
# ---------------------------------------------------------------------------------------

Flags = dict[tuple[int, str], dict[str, Any]]


def percent_text(value: Decimal) -> str:
    """A percentage as the flags' figures show it: one decimal, halves rounded up."""
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# A looser threshold for the database's first cut, decided exactly below: SQLite computes
# with floating point, so a drop right at the threshold must not be lost before Decimal sees it.
_FIRST_CUT_MARGIN = Decimal("0.01")


def _assets_drop(
    customers: Any, business_date: dt.date, settings: RetentionSettings, flags: Flags
) -> None:
    """Art. 30: assets fallen by more than the branch's share over its window — the latest
    figure within the window against the latest before it.

    The database makes the cut, one indexed look-up of each figure a customer: fallen by more
    than t ⇔ before·(100 − t) > now·100 (before > 0 follows, assets are never negative:
    metrics_load refuses them), so only the customers who fell come back, with their dates."""
    since = business_date - dt.timedelta(days=settings.assets_window_days)
    now_q = DailyCustomerMetrics.objects.filter(
        customer=OuterRef("pk"), date__lte=business_date, date__gt=since
    ).order_by("-date")
    then_q = DailyCustomerMetrics.objects.filter(customer=OuterRef("pk"), date__lte=since).order_by(
        "-date"
    )
    threshold = settings.assets_drop_percent
    first_cut = max(threshold - _FIRST_CUT_MARGIN, Decimal(0))
    fell = ExpressionWrapper(
        Subquery(then_q.values("assets")[:1]) * (100 - first_cut)
        - Subquery(now_q.values("assets")[:1]) * 100,
        output_field=DecimalField(),
    )
    rows = (
        customers.alias(fell=fell)
        .filter(fell__gt=0)
        .values_list(
            "pk",
            Subquery(now_q.values("assets")[:1]),
            Subquery(now_q.values("date")[:1]),
            Subquery(then_q.values("assets")[:1]),
            Subquery(then_q.values("date")[:1]),
        )
    )
    for pk, now_assets, now_date, then_assets, then_date in rows:
        before, now = Decimal(then_assets), Decimal(now_assets)
        if before <= 0:
            continue
        drop = (before - now) * 100 / before
        if drop > threshold:
            flags[(pk, RiskRule.ASSETS_DROP)] = {
                "assets_before": str(before.quantize(Decimal("0.01"))),
                "since": str(then_date),
                "assets_now": str(now.quantize(Decimal("0.01"))),
                "on": str(now_date),
                "drop_percent": percent_text(drop),
                "threshold_percent": percent_text(threshold),
                "window_days": settings.assets_window_days,
            }


def _no_trades(
    customers: Any,
    business_date: dt.date,
    settings: RetentionSettings,
    calendar: TradingCalendar,
    flags: Flags,
) -> None:
    """Art. 30: no trade for the branch's number of trading days up to the business day; a
    customer with no trade in the figures at all counts their first day as one without.

    The database makes the cut. With T the threshold, idle ≥ T ⇔ no trade on or after the
    T-th trading day back; with no trade at all, a first day before the (T−1)-th. So a
    customer is idle when they have no trade from the T-th day back and any figure before
    the (T−1)-th: only they come back, and their days are counted here."""
    threshold = settings.idle_trading_days
    try:
        # The T-th trading day counting back from the business day is T − 1 days before it.
        no_trade_since = calendar.trading_days_before(business_date, threshold - 1)
        figures_before = (
            calendar.trading_days_before(business_date, threshold - 2)
            if threshold > 1
            else business_date + dt.timedelta(days=1)
        )
    except CalendarUnknown:
        # Those days reach a year the calendar does not know: whoever would be idle that
        # long has a day in it, and is not guessed at (as below).
        return
    figures = DailyCustomerMetrics.objects.filter(customer=OuterRef("pk"))
    trades = figures.filter(trades_count__gt=0, date__lte=business_date)
    rows = customers.filter(
        ~Exists(trades.filter(date__gte=no_trade_since)),
        Exists(figures.filter(date__lt=figures_before)),
    ).values_list(
        "pk",
        Subquery(trades.order_by("-date").values("date")[:1]),
        Subquery(figures.filter(date__lte=business_date).order_by("date").values("date")[:1]),
    )
    between: dict[dt.date, int] = {}

    def days_after(day: dt.date) -> int:
        if day not in between:
            between[day] = calendar.trading_days_between(day, business_date)
        return between[day]

    for pk, last_trade, first_day in rows:
        try:
            details: dict[str, str | None]
            if last_trade is not None:
                idle = days_after(last_trade)
                details = {"last_trade_on": str(last_trade)}
            else:
                # No trade in the data at all: its first day counts as one without trades.
                idle = days_after(first_day) + 1
                details = {"last_trade_on": None, "since": str(first_day)}
        except CalendarUnknown:
            continue  # data from before the known calendar: no guess
        if idle >= threshold:
            flags[(pk, RiskRule.NO_TRADES)] = {
                **details,
                "idle_days": idle,
                "threshold": threshold,
            }


def _manager_departed(
    customers: Any,
    branch: Branch,
    business_date: dt.date,
    settings: RetentionSettings,
    flags: Flags,
) -> None:
    since = business_date - dt.timedelta(days=settings.departure_watch_days)
    moved = (
        RetentionContactTask.objects.filter(
            branch=branch,
            departure__isnull=False,
            departure__left_on__gt=since,
            departure__left_on__lte=business_date,
            customer__in=customers,
        )
        .select_related(
            "departure", "departure__departed", "departure__to_person", "departure__to_team"
        )
        # The latest departure wins (the last written below), the later recorded on a tie.
        .order_by("departure__left_on", "departure_id")
    )
    for task in moved:
        d = task.departure
        assert d is not None
        flags[(task.customer_id, RiskRule.MANAGER_DEPARTED)] = {
            "departed": str(d.departed),
            "left_on": str(d.left_on),
            "taken_over_by": d.taken_over_by,
        }
    for pk in customers.filter(account_manager__is_active=False).values_list("pk", flat=True):
        flags.setdefault((pk, RiskRule.MANAGER_DEPARTED), {"departed": None})


def _open_complaints(customers: Any, branch: Branch, business_date: dt.date, flags: Flags) -> None:
    open_ = (
        Complaint.objects.filter(
            branch=branch,
            customer__in=customers,
            received_on__lte=business_date,
        )
        .filter(Q(status=ComplaintStatus.OPEN) | Q(resolved_on__gt=business_date))
        .order_by("received_on", "pk")
        .values("customer_id", "received_on", "summary")
    )
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in open_:
        grouped[row["customer_id"]].append(dict(row))
    for pk, rows in grouped.items():
        flags[(pk, RiskRule.OPEN_COMPLAINT)] = {
            "count": len(rows),
            "oldest_on": str(rows[0]["received_on"]),
            "summary": rows[0]["summary"],
        }


def _recent_deferrals(
    customers: Any,
    branch: Branch,
    business_date: dt.date,
    settings: RetentionSettings,
    flags: Flags,
) -> None:
    since = business_date - dt.timedelta(days=settings.deferral_watch_days)
    rows = WorkMemo.objects.filter(
        branch=branch,
        customer__in=customers,
        outcome=MemoOutcome.DEFERRED,
        deferred_on__gt=since,
        deferred_on__lte=business_date,
    ).values("customer_id", "deferred_on", "follow_up_on")
    # Newest memo first, so the one shown is the customer's first deferral in the watch.
    for row in rows.order_by("-created_at", "-pk"):
        flags[(row["customer_id"], RiskRule.RECENT_DEFERRAL)] = {
            "deferred_on": str(row["deferred_on"]),
            "follow_up_on": str(row["follow_up_on"]) if row["follow_up_on"] else None,
        }


@transaction.atomic
def at_risk_scan(*, branch: Branch, business_date: dt.date) -> dict[str, int]:
    """The nightly scan. Idempotent: a flag is unique per customer, rule and day, so a
    second run adds nothing and tells no one again. Returns the number of customers each
    rule flags on that day."""
    # Two scans of one branch queue on its row, so nobody is told twice.
    Branch.objects.select_for_update().filter(pk=branch.pk).first()
    settings = retention_settings_for(branch, business_date)
    calendar = TradingCalendar()
    # Customers who have closed their fund account here are gone: nothing left to warn of.
    closed = TransferRequest.objects.filter(
        branch=branch, state=TransferState.COMPLETED, wants_closure=True
    ).values("customer_id")
    customers = Customer.objects.filter(branch=branch).exclude(pk__in=closed)

    flags: Flags = {}
    _assets_drop(customers, business_date, settings, flags)
    _no_trades(customers, business_date, settings, calendar, flags)
    _manager_departed(customers, branch, business_date, settings, flags)
    _open_complaints(customers, branch, business_date, flags)
    _recent_deferrals(customers, branch, business_date, settings, flags)

    before = set(
        AtRiskFlag.objects.filter(branch=branch, business_date=business_date).values_list(
            "customer_id", "rule"
        )
    )
    new = [key for key in flags if key not in before]
    insert_skipping_conflicts(
        AtRiskFlag,
        ("customer_id", "rule", "details"),
        [(pk, rule, flags[(pk, rule)]) for pk, rule in new],
        constants={"branch_id": branch.pk, "business_date": business_date},
    )
    _tell_managers(branch, {pk for pk, _rule in new}, business_date)

    counts = dict.fromkeys(RiskRule.values, 0)
    for _pk, rule in before | set(flags):
        counts[rule] += 1
    return counts


def _tell_managers(branch: Branch, customer_ids: set[int], business_date: dt.date) -> None:
    if not customer_ids:
        return
    per_manager: dict[int, int] = defaultdict(int)
    for manager_id in Customer.objects.filter(
        pk__in=customer_ids, account_manager__is_active=True
    ).values_list("account_manager_id", flat=True):
        per_manager[manager_id] += 1
    managers = Staff.objects.in_bulk(list(per_manager))
    for manager_id, count in per_manager.items():
        notify(
            recipients=[managers[manager_id]],
            subject=_("{count} of your customers newly at risk ({date})").format(
                count=count, date=business_date.isoformat()
            ),
            link=reverse("retention_at_risk"),
        )


METRICS_COLUMNS = ("fund_account", "date", "assets", "trades_count")


def metrics_rows_from_csv(source: Iterable[str]) -> list[MetricsRow]:
    """Read the core system's daily customer figures (CSV with a header row). Every line is
    checked first: one bad line and nothing is loaded, the message names the line."""
    import csv
    from decimal import InvalidOperation

    reader = csv.DictReader(source)
    missing = [c for c in METRICS_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(
            _("The file lacks the columns: {columns}.").format(columns=", ".join(missing)),
        )
    rows: list[MetricsRow] = []
    errors: list[str] = []
    for line, raw in enumerate(reader, start=2):
        try:
            assets = Decimal((raw["assets"] or "").replace(",", "").strip())
            if not assets.is_finite():
                raise InvalidOperation
            rows.append(
                MetricsRow(
                    fund_account=(raw["fund_account"] or "").strip(),
                    date=dt.date.fromisoformat((raw["date"] or "").strip()),
                    assets=assets,
                    trades_count=int((raw["trades_count"] or "0").strip()),
                )
            )
        except (ValueError, InvalidOperation):
            errors.append(str(line))
    if errors:
        raise InvalidInput(
            _("Unreadable lines (nothing was loaded): {lines}.").format(
                lines=", ".join(errors[:20])
            ),
        )
    return rows


def metrics_file_load(*, branch: Branch, business_date: dt.date, text: str) -> MetricsLoadResult:
    """A night's figures file for one branch and day, all or nothing: every line readable,
    every line of that day, every account the branch's (a line for another branch's customer
    means the file is not this branch's, so none of it loads)."""
    import io

    rows = metrics_rows_from_csv(io.StringIO(text, newline=""))
    other_days = sorted({row.date for row in rows if row.date != business_date})
    if other_days:
        raise InvalidInput(
            _("The file is for {day} but has figures for {dates}.").format(
                day=business_date.isoformat(),
                dates=", ".join(d.isoformat() for d in other_days[:5]),
            ),
        )
    with transaction.atomic():
        result = metrics_load(branch=branch, rows=rows)
        if result.unknown_accounts:
            raise InvalidInput(
                _("Not customers of {branch}, nothing was loaded: {accounts}.").format(
                    branch=branch.code, accounts=", ".join(result.unknown_accounts[:20])
                ),
            )
    return result
