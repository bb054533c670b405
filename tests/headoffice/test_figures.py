"""The head office's monthly figures: the same numbers as each branch's own analysis, the
compliance figures counted as defined, and the job and command that keep them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from headoffice.models import BranchMonthFigures
from headoffice.selectors import console_figures, late_requests_in_month
from headoffice.services import branch_month_figures_compute
from jobs.models import JobOutcome, JobTrigger
from jobs.registry import job_get, job_run
from kernel.calendar import TradingCalendar
from retention.selectors import monthly_figures
from tests.builders import make_branch
from tests.retention.test_analysis import NOVEMBER, _build_month

DECEMBER_FIRST = dt.date(2026, 12, 1)


def test_the_stored_figures_equal_the_branch_analysis(db, frozen_now):
    people = _build_month(frozen_now)
    quiet = make_branch("BJ02")
    assert branch_month_figures_compute(month=NOVEMBER, today=DECEMBER_FIRST) == 2

    analysis = monthly_figures(branch=people.branch, month=NOVEMBER)
    row = BranchMonthFigures.objects.get(branch=people.branch, month=NOVEMBER)
    assert row.churn_count == analysis["churn"]["count"] == 3
    assert row.churn_assets == Decimal(analysis["churn"]["assets"])
    assert (row.decided, row.stayed) == (
        analysis["retention"]["decided"],
        analysis["retention"]["stayed"],
    )
    assert [(r["code"], r["count"], r["assets"]) for r in row.by_reason] == [
        (r["code"], r["count"], r["assets"]) for r in analysis["by_reason"]
    ]
    assert row.by_tier == analysis["by_tier"]
    assert row.by_broker == analysis["by_broker"]

    firm = console_figures(first=NOVEMBER, last=NOVEMBER)
    assert firm["totals"]["retention_rate"] == analysis["retention"]["rate"]
    assert firm["totals"]["commitments_on_time_rate"] == analysis["commitments"]["on_time_rate"]
    assert [(r["broker"], r["count"]) for r in firm["by_broker"]] == [
        (r["broker"], r["count"]) for r in analysis["by_broker"]
    ]
    empty = BranchMonthFigures.objects.get(branch=quiet.branch, month=NOVEMBER)
    assert (empty.churn_count, empty.decided, empty.late_requests) == (0, 0, 0)


def test_late_requests_are_those_past_their_due_day_in_the_month(late_world):
    people = late_world["people"]
    found = late_requests_in_month(month=NOVEMBER, today=DECEMBER_FIRST).filter(
        branch=people.branch
    )
    assert set(found.values_list("pk", flat=True)) == late_world["late"]
    branch_month_figures_compute(month=NOVEMBER, today=DECEMBER_FIRST)
    row = BranchMonthFigures.objects.get(branch=people.branch, month=NOVEMBER)
    assert row.late_requests == 2
    other = BranchMonthFigures.objects.get(branch=late_world["other"].branch, month=NOVEMBER)
    assert other.late_requests == 1


def test_computing_twice_replaces_the_months_row(late_world):
    branch_month_figures_compute(month=NOVEMBER, today=DECEMBER_FIRST)
    branch_month_figures_compute(month=NOVEMBER, today=DECEMBER_FIRST)
    assert BranchMonthFigures.objects.filter(month=NOVEMBER).count() == 2


def test_the_job_runs_on_the_first_trading_day_for_last_month(late_world):
    spec = job_get("headoffice.month_figures")
    assert not spec.per_branch
    calendar = TradingCalendar()
    assert spec.scheduled_on(DECEMBER_FIRST, calendar)
    assert not spec.scheduled_on(dt.date(2026, 12, 2), calendar)
    run = job_run(
        name="headoffice.month_figures", business_date=DECEMBER_FIRST, trigger=JobTrigger.COMMAND
    )
    assert run.outcome == JobOutcome.SUCCEEDED
    assert run.counts == {
        "branches": 2,
        "month": 202611,
        "alerts": 0,  # two late requests: under the threshold (tests/headoffice/test_alerts.py)
        "alerts_new": 0,
        "compliance_told": 0,
    }
    assert BranchMonthFigures.objects.filter(month=NOVEMBER).count() == 2


def test_the_command_recomputes_a_month(late_world):
    call_command("headoffice_figures", "2026-11")
    assert BranchMonthFigures.objects.filter(month=NOVEMBER).count() == 2
    with pytest.raises(CommandError):
        call_command("headoffice_figures", "2026-13")
