"""Archive numbers and retention dates."""

from __future__ import annotations

import datetime as dt

from accounts.models import Branch

from ..models import CATEGORY_CODES, MIN_RETENTION_YEARS, ArchiveCounter, RetentionRule
from ._common import add_years


def archive_number_next(*, branch: Branch, category: str, year: int) -> tuple[int, str]:
    """The next number of (branch, category, year), e.g. "SH01-TX-2026-000123". Call it inside
    the filing transaction and as late as possible: the counter row stays locked until the
    commit, and a rollback gives the number back, so numbers never skip."""
    counters = ArchiveCounter.objects.select_for_update()
    try:
        counter = counters.get(branch=branch, category=category, year=year)
    except ArchiveCounter.DoesNotExist:
        # The year's first number; two first filings at once meet at the unique row.
        ArchiveCounter.objects.get_or_create(branch=branch, category=category, year=year)
        counter = counters.get(branch=branch, category=category, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    number = f"{branch.code}-{CATEGORY_CODES[category]}-{year}-{counter.last_number:06d}"
    return counter.last_number, number


def retention_years(category: str) -> int:
    rule = RetentionRule.objects.filter(category=category).first()
    years = rule.years if rule is not None else MIN_RETENTION_YEARS
    # The law's floor holds even if a rule row were edited below it outside the application.
    return max(years, MIN_RETENTION_YEARS)


def retention_until_for(*, category: str, relationship_ended_on: dt.date | None) -> dt.date | None:
    """Kept at least twenty years after the relationship ends; while it lasts, no end date."""
    if relationship_ended_on is None:
        return None
    return add_years(relationship_ended_on, retention_years(category))
