"""The permitted commission ranges (Art. 27) a branch works with on a day: the firm's norm
as the branch narrows it (accounts/norm)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Tier
from accounts.norm.resolve import RuleSet, rule_set

# A rate is kept to six places (retention.models.CommissionAgreement.rate).
SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class CommissionRange:
    """A tier's range as a fraction of the amount traded (0.000250 = 万分之二点五)."""

    tier: str
    floor_rate: Decimal
    ceiling_rate: Decimal

    def get_tier_display(self) -> str:
        return str(Tier(self.tier).label)


def _range(rules: RuleSet, tier: str) -> CommissionRange:
    floor, ceiling = rules.commission_range(tier)
    return CommissionRange(
        tier=tier, floor_rate=floor.quantize(SIX_PLACES), ceiling_rate=ceiling.quantize(SIX_PLACES)
    )


def commission_range_for(branch_id: int, tier: str, on: dt.date | None = None) -> CommissionRange:
    return _range(rule_set(branch_id, on), tier)


def commission_ranges_for(branch_id: int) -> list[CommissionRange]:
    """Every tier's range, from the branch's rules resolved once."""
    rules = rule_set(branch_id)
    return [_range(rules, tier) for tier in Tier.values]
