"""The parts of a branch's rule set that other apps keep (retention's playbooks per reason,
Art. 20–28, versioned firm-wide and per branch), offered as a hook: the app registers a
provider in its AppConfig.ready(), and the rules page shows what it gives beside the norm's
catalog — accounts never imports the apps above it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RuleRow:
    label: str
    article: str
    value: str
    from_branch: bool
    source: str


@dataclass(frozen=True)
class RuleSection:
    key: str
    label: Any
    rows: list[RuleRow] = field(default_factory=list)


SectionProvider = Callable[[int, dt.date], RuleSection]

_providers: list[SectionProvider] = []


def on_rule_set(provider: SectionProvider) -> SectionProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def rule_set_sections(branch_id: int, on: dt.date) -> list[RuleSection]:
    return [provider(branch_id, on) for provider in _providers]
