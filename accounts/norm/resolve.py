"""What applies at a branch on a day: one resolved rule set, each rule with where it comes
from. Two queries whatever the number of rules: the version in force and the branch's
refinements in force.

How a rule resolves:
1. The norm's version in force on the day: the one with the latest `effective_from` on or
   before it (Art. 36: a version applies from its day, never before).
2. The branch's latest refinement of the rule in force on or before the day; one with no
   value returns the rule to the norm.
3. The refinement applies while it is at least as strict as that version (Art. 35); when a
   later version is stricter, the version's value applies, and the page says the refinement
   was overtaken.

Nothing stored is judged again: a request's tier, a task's due day or a receipt's fee was
decided with the rule set of its day and is kept as it was."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kernel.calendar import beijing_today

from ..models import Tier
from .catalog import DEFAULTS, RULES, Rule
from .models import NormVersion, Refinement, RefinementState


@dataclass(frozen=True)
class Resolved:
    rule: Rule
    value: Any
    norm_value: Any
    refinement: Refinement | None
    # The branch's refinement is looser than a later version: the version's value applies.
    overtaken: bool = False

    @property
    def from_branch(self) -> bool:
        return self.refinement is not None and not self.overtaken

    @property
    def display(self) -> str:
        return self.rule.display(self.value)

    @property
    def norm_display(self) -> str:
        return self.rule.display(self.norm_value)


class RuleSet:
    def __init__(
        self,
        *,
        branch_id: int | None,
        on: dt.date,
        version: NormVersion | None,
        refinements: dict[str, Refinement],
    ) -> None:
        self.branch_id = branch_id
        self.on = on
        self.version = version
        self.entries: dict[str, Resolved] = {}
        norm_values = version.rules if version is not None else {}
        for key, rule in RULES.items():
            norm = rule.parse(norm_values.get(key, DEFAULTS[key]))
            refinement = refinements.get(key)
            if refinement is None or refinement.follows_norm:
                self.entries[key] = Resolved(rule, norm, norm, None)
                continue
            mine = rule.parse(refinement.value)
            if rule.tighter_or_equal(mine, norm):
                self.entries[key] = Resolved(rule, mine, norm, refinement)
            else:
                self.entries[key] = Resolved(rule, norm, norm, refinement, overtaken=True)

    def __getitem__(self, key: str) -> Any:
        return self.entries[key].value

    def tier_for(self, *, assets: Decimal, volume: Decimal) -> Tier:
        """Art. 17: the customer's tier from their assets and annual volume."""
        if assets >= self["tier.core_assets"] or volume >= self["tier.core_volume"]:
            return Tier.CORE
        if assets >= self["tier.important_assets"] or volume >= self["tier.important_volume"]:
            return Tier.IMPORTANT
        return Tier.ORDINARY

    def commission_range(self, tier: str) -> tuple[Decimal, Decimal]:
        """Art. 27: the permitted range for a tier; institutions negotiate as core customers
        are approved (Art. 10, 17)."""
        band = tier if f"commission.{tier}.floor" in self.entries else "core"
        return self[f"commission.{band}.floor"], self[f"commission.{band}.ceiling"]


def version_in_force(on: dt.date) -> NormVersion | None:
    return (
        NormVersion.objects.filter(effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )


def refinements_in_force(branch_id: int, on: dt.date) -> dict[str, Refinement]:
    latest: dict[str, Refinement] = {}
    for refinement in Refinement.objects.filter(
        branch_id=branch_id, state=RefinementState.IN_FORCE, effective_from__lte=on
    ).order_by("rule", "-effective_from", "-pk"):
        latest.setdefault(refinement.rule, refinement)
    return latest


# One page or one job resolves a branch's rules once (a list of customers asks each one's
# tier): `rules_memo` keeps what was resolved for as long as it lasts, and a change of the
# norm or of a refinement forgets it.
_memo: ContextVar[dict[tuple[int | None, dt.date], RuleSet] | None] = ContextVar(
    "rule_sets", default=None
)


@contextmanager
def rules_memo() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def with_rules_memo(func: Callable) -> Callable:  # type: ignore[type-arg]
    """For a job or a service that walks many customers of a branch."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _memo.get() is not None:
            return func(*args, **kwargs)
        with rules_memo():
            return func(*args, **kwargs)

    return wrapper


def rules_forget() -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()


def rule_set(branch_id: int | None, on: dt.date | None = None) -> RuleSet:
    """The rules at a branch on a day (today in Beijing unless given); with no branch, the
    norm alone."""
    on = on or beijing_today()
    memo = _memo.get()
    if memo is not None and (branch_id, on) in memo:
        return memo[(branch_id, on)]
    refinements = refinements_in_force(branch_id, on) if branch_id is not None else {}
    found = RuleSet(
        branch_id=branch_id, on=on, version=version_in_force(on), refinements=refinements
    )
    if memo is not None:
        memo[(branch_id, on)] = found
    return found


class RulesMemoMiddleware:
    """A page resolves each branch's rules once."""

    def __init__(self, get_response: Callable) -> None:  # type: ignore[type-arg]
        self.get_response = get_response

    def __call__(self, request: object) -> object:
        with rules_memo():
            return self.get_response(request)
