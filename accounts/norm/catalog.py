"""The rules of the firm's norm, one entry each: what the head office publishes for every
branch (Art. 37), which way a branch may refine it (Art. 35: tighten or add, never loosen),
and the bounds no version may cross because the source's own articles set them.

A value is kept as text (a Decimal's or an int's digits, or a choice's key) so a version
is a plain JSON object and money is never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Direction:
    """Which way a branch may move a rule away from the norm (Art. 35)."""

    # An amount, an interval or a threshold: the branch may lower it, never raise it.
    AT_MOST = "at_most"
    # A lead time, a floor or a watch: the branch may raise it, never lower it.
    AT_LEAST = "at_least"
    # The branch follows the norm as it stands.
    FIXED = "fixed"
    # The branch chooses among the allowed values (a usual channel): nothing to loosen.
    CHOICE = "choice"


class Group:
    TIERS = "tiers"
    FEES = "fees"
    REVISITS = "revisits"
    COMMISSION = "commission"
    APPOINTMENT = "appointment"
    COUNTER = "counter"
    WARNINGS = "warnings"


GROUPS = {
    Group.TIERS: _("Approval tiers (Art. 17)"),
    Group.FEES: _("Fees (Art. 12)"),
    Group.REVISITS: _("Revisits (Art. 31–34)"),
    Group.COMMISSION: _("Commission ranges (Art. 27)"),
    Group.APPOINTMENT: _("Appointments (Art. 18)"),
    Group.COUNTER: _("The counter (Art. 9, 10)"),
    Group.WARNINGS: _("Early warning and promises (Art. 28–30)"),
}

# The usual channels of a revisit (revisits.models.Channel keeps the same keys).
CHANNELS = {
    "visit": pgettext_lazy("revisit channel", "Visit in person"),
    "phone": pgettext_lazy("revisit channel", "Phone"),
    "other": pgettext_lazy("revisit channel", "Other (message, letter, e-mail)"),
}


@dataclass(frozen=True)
class Rule:
    key: str
    group: str
    label: Any
    article: str
    direction: str
    default: str
    unit: Any = ""
    # "int", "decimal" (money, percent, rate) or "choice".
    kind: str = "int"
    low: str | None = None
    high: str | None = None
    choices: dict[str, Any] | None = None

    def parse(self, raw: Any) -> Any:
        """The value as Python (int, Decimal or a choice's key), or ValueError."""
        text = str(raw).strip().replace(",", "")
        if self.kind == "choice":
            if text not in (self.choices or {}):
                raise ValueError(text)
            return text
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(text) from exc
        if not number.is_finite():
            raise ValueError(text)
        if self.kind == "int":
            if number != number.to_integral_value():
                raise ValueError(text)
            return int(number)
        return number

    def text(self, value: Any) -> str:
        """How a value is kept in a version or a refinement."""
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return str(value)

    def display(self, raw: Any) -> str:
        value = self.parse(raw)
        if self.kind == "choice":
            return str((self.choices or {})[value])
        if isinstance(value, Decimal) and value >= 1000:
            return f"{value:,.2f}"
        return self.text(value)

    def within_source(self, value: Any) -> bool:
        """Whether a value stays inside what the source's article allows any version."""
        if self.kind == "choice":
            return True
        if self.low is not None and value < self.parse(self.low):
            return False
        return not (self.high is not None and value > self.parse(self.high))

    def tighter_or_equal(self, value: Any, norm: Any) -> bool:
        """Whether a branch's value keeps to the norm's (Art. 35)."""
        if self.direction == Direction.AT_MOST:
            return bool(value <= norm)
        if self.direction == Direction.AT_LEAST:
            return bool(value >= norm)
        if self.direction == Direction.FIXED:
            return bool(value == norm)
        return True

    def stricter(self, a: Any, b: Any) -> Any:
        """The stricter of two values that both keep to the norm's direction."""
        if self.direction == Direction.AT_MOST:
            return min(a, b)
        if self.direction == Direction.AT_LEAST:
            return max(a, b)
        return a


def _revisit(kind: str, label: Any, *, value: int, low: int, high: int, direction: str,
             unit: Any, article: str, channel: str) -> list[Rule]:  # fmt: skip
    return [
        Rule(
            key=f"revisit.{kind}",
            group=Group.REVISITS,
            label=label,
            article=article,
            direction=direction,
            default=str(value),
            unit=unit,
            low=str(low),
            high=str(high),
        ),
        Rule(
            key=f"revisit.{kind}.channel",
            group=Group.REVISITS,
            label=format_lazy(_("{rule}: usual channel"), rule=label),
            article=article,
            # Art. 32: the yearly visit is made in person, whatever a branch prefers.
            direction=Direction.FIXED if kind == "institution_visit" else Direction.CHOICE,
            default=channel,
            kind="choice",
            choices=CHANNELS,
        ),
    ]


_TIER = {"ordinary": _("ordinary"), "important": _("important"), "core": _("core")}
_COMMISSION_DEFAULTS = {
    "ordinary": ("0.00025", "0.0008"),
    "important": ("0.0002", "0.0006"),
    "core": ("0.00015", "0.0005"),
}


def _commission() -> list[Rule]:
    rules = []
    for tier, (floor, ceiling) in _COMMISSION_DEFAULTS.items():
        # Art. 27: the rate is negotiated within the permitted range; a branch may narrow
        # the range (a higher floor, a lower ceiling), never widen it.
        rules += [
            Rule(
                key=f"commission.{tier}.floor",
                group=Group.COMMISSION,
                label=format_lazy(_("Lowest commission rate, {tier} customers"), tier=_TIER[tier]),
                article="27",
                direction=Direction.AT_LEAST,
                default=floor,
                unit=_("of the amount traded"),
                kind="decimal",
                low="0.000001",
                high="0.003",
            ),
            Rule(
                key=f"commission.{tier}.ceiling",
                group=Group.COMMISSION,
                label=format_lazy(_("Highest commission rate, {tier} customers"), tier=_TIER[tier]),
                article="27",
                direction=Direction.AT_MOST,
                default=ceiling,
                unit=_("of the amount traded"),
                kind="decimal",
                low="0.000001",
                high="0.003",
            ),
        ]
    return rules


def _tiers() -> list[Rule]:
    # Art. 17: a customer is important or core from these assets or annual volume; a branch
    # may set a lower threshold (more customers reach the senior approvers), never a higher.
    defaults = {
        "important_assets": ("500000", _("Important tier from assets of")),
        "important_volume": ("10000000", _("Important tier from an annual volume of")),
        "core_assets": ("5000000", _("Core tier from assets of")),
        "core_volume": ("100000000", _("Core tier from an annual volume of")),
    }
    return [
        Rule(
            key=f"tier.{name}",
            group=Group.TIERS,
            label=label,
            article="17",
            direction=Direction.AT_MOST,
            default=value,
            unit=_("CNY"),
            kind="decimal",
            low="1",
        )
        for name, (value, label) in defaults.items()
    ]


RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in [
        *_tiers(),
        # Art. 12 names the custody-transfer fee: a branch may charge less, never more.
        Rule(
            key="fee.sz_transfer",
            group=Group.FEES,
            label=_("Shenzhen custody-transfer fee"),
            article="12",
            direction=Direction.AT_MOST,
            default="30",
            unit=_("CNY"),
            kind="decimal",
            low="0",
            high="1000",
        ),
        # The revocation and the closure are free (Art. 12 names no fee; CSDC 2018): no
        # version may say otherwise.
        Rule(
            key="fee.sh_revocation",
            group=Group.FEES,
            label=_("Shanghai designated-trading revocation fee"),
            article="12",
            direction=Direction.FIXED,
            default="0",
            unit=_("CNY"),
            kind="decimal",
            low="0",
            high="0",
        ),
        Rule(
            key="fee.closure",
            group=Group.FEES,
            label=_("Fund-account closure fee"),
            article="12",
            direction=Direction.FIXED,
            default="0",
            unit=_("CNY"),
            kind="decimal",
            low="0",
            high="0",
        ),
        # Art. 31: "在客户转出当周" — by the last trading day of the week they leave at the
        # latest; a branch may ask for it within fewer trading days.
        *_revisit(
            "left_first",
            _("Revisit in the week the customer left"),
            value=5,
            low=0,
            high=5,
            direction=Direction.AT_MOST,
            unit=_("trading days after leaving, and never after that week's last trading day"),
            article="31",
            channel="phone",
        ),
        # Art. 31: "每月至少与客户交流一次".
        *_revisit(
            "left_monthly",
            _("Monthly contact after leaving"),
            value=30,
            low=1,
            high=30,
            direction=Direction.AT_MOST,
            unit=_("days between contacts"),
            article="31",
            channel="phone",
        ),
        # Art. 32: "一年内至少上门回访一次".
        *_revisit(
            "institution_visit",
            _("Yearly visit in person"),
            value=365,
            low=1,
            high=365,
            direction=Direction.AT_MOST,
            unit=_("days between visits in person"),
            article="32",
            channel="visit",
        ),
        # Art. 34: contact when the deferral's trial period ends, or earlier.
        *_revisit(
            "deferred_trial_end",
            _("End of the deferral's trial period"),
            value=0,
            low=0,
            high=20,
            direction=Direction.AT_LEAST,
            unit=_("trading days before the trial period ends"),
            article="34",
            channel="phone",
        ),
        # Art. 34: "定期与客户交流" until they decide; monthly, like Art. 31.
        *_revisit(
            "deferred_monthly",
            _("Monthly contact while deferring"),
            value=30,
            low=1,
            high=30,
            direction=Direction.AT_MOST,
            unit=_("days between contacts"),
            article="34",
            channel="phone",
        ),
        # Art. 29, 34: keep every promise; a contact before it is due.
        *_revisit(
            "commitment",
            _("Before a promise is due"),
            value=2,
            low=1,
            high=20,
            direction=Direction.AT_LEAST,
            unit=_("trading days before the promise is due"),
            article="34",
            channel="phone",
        ),
        *_commission(),
        # Art. 18: "至少提前一天" — at least one trading day between booking and the counter.
        Rule(
            key="appointment.lead_trading_days",
            group=Group.APPOINTMENT,
            label=_("Appointment booked ahead of the counter by"),
            article="18",
            direction=Direction.AT_LEAST,
            default="1",
            unit=_("trading days"),
            low="1",
            high="10",
        ),
        # Art. 9, 10: the customer waits at the counter while the approvers sign.
        Rule(
            key="counter.wait_alert_minutes",
            group=Group.COUNTER,
            label=_("Tell the marketing director after a customer waits for approvals"),
            article="9, 10",
            direction=Direction.AT_MOST,
            default="20",
            unit=_("minutes"),
            low="1",
            high="240",
        ),
        # Art. 30: follow the customers who may leave; a branch may watch more closely.
        Rule(
            key="warning.assets_drop_percent",
            group=Group.WARNINGS,
            label=_("Warn when assets fall by more than"),
            article="30",
            direction=Direction.AT_MOST,
            default="30",
            unit="%",
            kind="decimal",
            low="0.01",
            high="100",
        ),
        Rule(
            key="warning.assets_window_days",
            group=Group.WARNINGS,
            label=_("… over this many days"),
            article="30",
            direction=Direction.AT_LEAST,
            default="30",
            unit=_("days"),
            low="1",
            high="365",
        ),
        Rule(
            key="warning.idle_trading_days",
            group=Group.WARNINGS,
            label=_("Warn after no trades for"),
            article="30",
            direction=Direction.AT_MOST,
            default="20",
            unit=_("trading days"),
            low="1",
            high="250",
        ),
        # Art. 28: the customers of a departed account manager are contacted directly.
        Rule(
            key="warning.departure_watch_days",
            group=Group.WARNINGS,
            label=_("Watch the customers of a departed account manager for"),
            article="28",
            direction=Direction.AT_LEAST,
            default="90",
            unit=_("days"),
            low="1",
            high="730",
        ),
        # Art. 34: customers who deferred are followed until they decide.
        Rule(
            key="warning.deferral_watch_days",
            group=Group.WARNINGS,
            label=_("Watch customers who deferred for"),
            article="34",
            direction=Direction.AT_LEAST,
            default="90",
            unit=_("days"),
            low="1",
            high="730",
        ),
        # Art. 29: every promise is kept; a branch may promise sooner.
        Rule(
            key="warning.commitment_days_default",
            group=Group.WARNINGS,
            label=_("A promise is due within, unless said otherwise"),
            article="29",
            direction=Direction.AT_MOST,
            default="5",
            unit=_("trading days"),
            low="1",
            high="60",
        ),
    ]
}

DEFAULTS: dict[str, str] = {key: rule.default for key, rule in RULES.items()}

# Pairs that must stay in order in any resolved rule set: (lower, higher).
ORDERED = [
    ("tier.important_assets", "tier.core_assets"),
    ("tier.important_volume", "tier.core_volume"),
    *[(f"commission.{t}.floor", f"commission.{t}.ceiling") for t in _COMMISSION_DEFAULTS],
]
