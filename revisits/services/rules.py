"""The branch's revisit rules (Art. 31–34) as they stand on a day: the firm's norm as the
branch refines it (accounts/norm; Art. 35), read by the planner and the outcome of a visit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.models import Branch
from accounts.norm.catalog import RULES, Rule
from accounts.norm.resolve import rule_set

from ..models import Channel, Reason

KINDS = [
    Reason.LEFT_FIRST,
    Reason.LEFT_MONTHLY,
    Reason.INSTITUTION_VISIT,
    Reason.DEFERRED_TRIAL_END,
    Reason.DEFERRED_MONTHLY,
    Reason.COMMITMENT,
]


@dataclass(frozen=True)
class RevisitRule:
    kind: str
    value: int
    channel: str

    @property
    def source(self) -> Rule:
        """The norm's rule: its article, unit and bounds."""
        return RULES[f"revisit.{self.kind}"]


def revisit_rules_for(*, branch: Branch, on: dt.date | None = None) -> dict[str, RevisitRule]:
    rules = rule_set(branch.pk, on)
    return {
        kind: RevisitRule(
            kind=kind,
            value=rules[f"revisit.{kind}"],
            # Art. 32: the yearly visit is in person, whatever else a branch prefers.
            channel=Channel.VISIT
            if kind == Reason.INSTITUTION_VISIT
            else rules[f"revisit.{kind}.channel"],
        )
        for kind in KINDS
    }
