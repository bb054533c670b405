"""Revisits tests: the suite-wide `people` and `other_branch` (tests/conftest.py), customers
who left or deferred on chosen days written straight to the tables (tests/builders.py:
departed, deferred), since these suites are about what happens after the counter's work is
done."""

import datetime as dt

import pytest

from kernel.calendar import TradingCalendar
from revisits.models import Reason, RevisitTask
from revisits.services import revisits_plan
from tests.builders import departed, important


@pytest.fixture
def calendar(db) -> TradingCalendar:
    return TradingCalendar()


@pytest.fixture
def first_week(people, calendar) -> RevisitTask:
    """An important customer who left on Mon 23 Nov 2026, planned that day: the first-week
    revisit, owned by the customer's account manager."""
    customer = important(people)
    departed(people, customer, on=dt.date(2026, 11, 23))
    revisits_plan(branch=people.branch, business_date=dt.date(2026, 11, 23), calendar=calendar)
    return RevisitTask.objects.get(customer=customer, reason=Reason.LEFT_FIRST)
