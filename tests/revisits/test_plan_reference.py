"""The benchmark measures the planner against one INSERT … SELECT. The ratio only
means something if both make the same tasks: this holds them to it on the rules' cases."""

import datetime as dt

import pytest

from devtools.bench.plan_reference import plan_reference_sql
from revisits.models import RevisitTask
from revisits.services import revisits_plan
from tests.builders import deferred, departed, important, institution, make_commitment

pytestmark = pytest.mark.postgres_only

D = dt.date


def made():
    return sorted(
        RevisitTask.objects.values_list(
            "branch_id", "customer_id", "reason", "source_ref", "due_on", "owner_id", "channel"
        )
    )


def test_reference_sql_plans_the_same_tasks_as_the_planner(people, calendar):
    today = D(2026, 11, 25)
    departed(people, important(people), on=D(2026, 11, 23))
    departed(people, important(people), on=D(2026, 9, 28))  # National Day week
    departed(people, people.customer("ordinary"), on=D(2026, 11, 23), senior=True)
    departed(people, institution(people), on=D(2025, 12, 1))
    departed(people, people.customer("ordinary"), on=D(2026, 11, 24))  # not a priority
    deferred(people, people.customer(), on=D(2026, 9, 14), follow_up_on=D(2026, 10, 3))
    deferred(people, people.customer(), on=D(2026, 11, 20), follow_up_on=D(2026, 12, 4))
    make_commitment(people, people.customer(), D(2026, 12, 3))
    make_commitment(people, people.customer(), D(2026, 11, 26))  # at short notice

    revisits_plan(branch=people.branch, business_date=today, calendar=calendar)
    planner = made()
    RevisitTask.objects.all().delete()

    inserted = plan_reference_sql(today)

    assert len(planner) >= 10
    assert inserted == len(planner)
    assert made() == planner
