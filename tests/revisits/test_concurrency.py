"""Two schedulers firing at the same moment (two beat processes, or beat and a manual
re-run): the unique constraints keyed on the business date make the second one add nothing.
Only PostgreSQL lets two writers really overlap; SQLite serialises them."""

import datetime as dt

import pytest

from jobs.models import JobOutcome, JobTrigger
from jobs.registry import job_run
from notifications.models import Notification
from revisits.models import RevisitTask
from tests.builders import deferred, departed, important, institution, make_branch
from tests.concurrency import all_at_once

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def people(seeded_calendar):
    return make_branch()


def run(people, name):
    return lambda: job_run(
        name=name, business_date=TODAY, trigger=JobTrigger.SCHEDULE, branch=people.branch
    )


def keys():
    return sorted(RevisitTask.objects.values_list("customer_id", "reason", "due_on", "source_ref"))


def test_two_planners_at_once_plan_every_revisit_exactly_once(people):
    for _ in range(3):
        departed(people, important(people), on=dt.date(2026, 11, 23))
    departed(people, institution(people), on=dt.date(2025, 12, 1))
    deferred(people, people.customer(), on=dt.date(2026, 11, 20), follow_up_on=dt.date(2026, 12, 4))

    outcomes = all_at_once([run(people, "revisits.plan") for _ in range(4)])

    assert [error for _result, error in outcomes] == [None] * 4
    runs = [result for result, _error in outcomes]
    assert [r.outcome for r in runs] == [JobOutcome.SUCCEEDED] * 4, [r.message for r in runs]
    planned = keys()
    assert len(planned) == len(set(planned))
    # What one planner alone would have made: 3 × (first week + monthly); for the institution
    # that left a year ago, monthly and the yearly visit; the deferral's trial end and monthly.
    assert len(planned) == 3 * 2 + 2 + 2
    assert sum(sum(v for k, v in r.counts.items() if k.startswith("planned.")) for r in runs) == 10


def test_two_reminder_runs_at_once_tell_each_owner_once(people):
    departed(people, important(people), on=dt.date(2026, 11, 20))
    job_run(name="revisits.plan", business_date=TODAY, trigger="command", branch=people.branch)

    outcomes = all_at_once([run(people, "revisits.remind") for _ in range(3)])

    assert [error for _result, error in outcomes] == [None] * 3
    runs = [result for result, _error in outcomes]
    assert {r.outcome for r in runs} == {JobOutcome.SUCCEEDED}
    assert Notification.objects.filter(recipient=people.am).count() == 1
    assert sum(r.counts.get("reminded", 0) for r in runs) == 1
