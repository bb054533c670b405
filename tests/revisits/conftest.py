"""Revisits tests: the suite-wide `people` and `other_branch` (tests/conftest.py), customers
who left or deferred on chosen days written straight to the tables (tests/builders.py:
departed, deferred), since these suites are about what happens after the counter's work is
done."""

import pytest

from kernel.calendar import TradingCalendar


@pytest.fixture
def calendar(db) -> TradingCalendar:
    return TradingCalendar()
