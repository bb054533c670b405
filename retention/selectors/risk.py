"""Reads for the early warning: the branch's thresholds and the at-risk list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from accounts.models import Branch, Customer, Staff
from accounts.norm.resolve import rule_set
from kernel.calendar import beijing_today

from ..models import AtRiskFlag


@dataclass(frozen=True)
class RetentionSettings:
    """The branch's early-warning thresholds and promise term on a day: the firm's norm as
    the branch refines it (accounts/norm; Art. 28–30, 34)."""

    assets_drop_percent: Decimal
    assets_window_days: int
    idle_trading_days: int
    departure_watch_days: int
    deferral_watch_days: int
    commitment_days_default: int


def retention_settings_for(branch: Branch, on: dt.date | None = None) -> RetentionSettings:
    rules = rule_set(branch.pk, on)
    return RetentionSettings(
        **{name: rules[f"warning.{name}"] for name in RetentionSettings.__dataclass_fields__}
    )


@dataclass
class AtRiskRow:
    customer: Customer
    flags: list[AtRiskFlag] = field(default_factory=list)
    is_mine: bool = False


@dataclass
class AtRiskList:
    business_date: dt.date | None
    rows: list[AtRiskRow]

    @property
    def mine(self) -> list[AtRiskRow]:
        return [r for r in self.rows if r.is_mine]

    @property
    def others(self) -> list[AtRiskRow]:
        return [r for r in self.rows if not r.is_mine]


def at_risk_for(*, branch: Branch, user: Staff, business_date: dt.date | None = None) -> AtRiskList:
    """The latest scan's list (or a given day's): the user's own customers first, then the
    rest of the branch, most flags first."""
    if business_date is None:
        business_date = AtRiskFlag.objects.filter(
            branch=branch, business_date__lte=beijing_today()
        ).aggregate(d=Max("business_date"))["d"]
    if business_date is None:
        return AtRiskList(business_date=None, rows=[])
    flags = (
        AtRiskFlag.objects.filter(branch=branch, business_date=business_date)
        .select_related("customer", "customer__branch", "customer__account_manager")
        .order_by("customer_id", "rule")
    )
    rows: dict[int, AtRiskRow] = {}
    for flag in flags:
        row = rows.get(flag.customer_id)
        if row is None:
            row = rows[flag.customer_id] = AtRiskRow(
                customer=flag.customer, is_mine=flag.customer.account_manager_id == user.pk
            )
        row.flags.append(flag)
    ordered = sorted(rows.values(), key=lambda r: (not r.is_mine, -len(r.flags), r.customer.pk))
    return AtRiskList(business_date=business_date, rows=ordered)


def risk_counts_for_manager(*, user: Staff) -> int:
    latest = at_risk_for(branch=user.own_branch, user=user)
    return len(latest.mine)


__all__ = [
    "AtRiskList",
    "AtRiskRow",
    "RetentionSettings",
    "at_risk_for",
    "retention_settings_for",
]
