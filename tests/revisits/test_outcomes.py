"""Recording a revisit: what Art. 31 asks it to cover, who may record it, and the next
contact it leads to — never later than the rule allows."""

import datetime as dt

import pytest

from accounts.roles import Role
from kernel.errors import ApplicationError
from revisits.models import Channel, Reason, RevisitTask, TaskStatus, Topic
from revisits.services import revisit_reassign, revisit_record, revisits_plan
from tests.accounts.factories import StaffFactory
from tests.builders import departed, institution

D = dt.date
ALL_TOPICS = list(Topic.values)


def record(task, actor, **overrides):
    fields = {
        "done_on": D(2026, 11, 25),
        "channel": Channel.PHONE,
        "topics": ALL_TOPICS,
        "outcome": "客户对新的交易软件感兴趣",
    }
    fields.update(overrides)
    return revisit_record(task=task, actor=actor, **fields)


def test_recording_the_first_revisit_with_a_next_contact_moves_the_monthly_one_earlier(
    people, first_week
):
    monthly = RevisitTask.objects.get(customer=first_week.customer, reason=Reason.LEFT_MONTHLY)

    done = record(first_week, people.am, next_contact_on=D(2026, 12, 9))

    assert done.status == TaskStatus.DONE
    assert done.topics == ALL_TOPICS
    assert done.next_task == monthly
    monthly.refresh_from_db()
    assert monthly.due_on == D(2026, 12, 9)
    assert RevisitTask.objects.filter(customer=first_week.customer, status="open").count() == 1


def test_recording_a_monthly_contact_plans_the_next_within_thirty_days(people, first_week):
    record(first_week, people.am)
    monthly = RevisitTask.objects.get(
        customer=first_week.customer, reason=Reason.LEFT_MONTHLY, status=TaskStatus.OPEN
    )

    done = record(monthly, people.am, done_on=D(2026, 11, 25))

    # 25 Nov + 30 days is Fri 25 Dec 2026 — the date the task just done was due on, so the
    # next one takes the trading day before (earlier, never later).
    assert monthly.due_on == D(2026, 12, 25)
    assert done.next_task.reason == Reason.LEFT_MONTHLY
    assert done.next_task.due_on == D(2026, 12, 24)
    assert done.next_task.owner == people.am
    assert done.next_task.status == TaskStatus.OPEN


def test_next_contact_later_than_a_month_is_refused(people, first_week):
    with pytest.raises(ApplicationError) as refusal:
        record(first_week, people.am, next_contact_on=D(2027, 1, 30))

    assert refusal.value.code == "next_contact_too_late"
    first_week.refresh_from_db()
    assert first_week.status == TaskStatus.OPEN


def test_institution_yearly_revisit_must_be_a_visit_in_person(people, calendar):
    customer = institution(people)
    departed(people, customer, on=D(2025, 12, 1))
    revisits_plan(branch=people.branch, business_date=D(2025, 12, 1), calendar=calendar)
    visit = RevisitTask.objects.get(customer=customer, reason=Reason.INSTITUTION_VISIT)

    with pytest.raises(ApplicationError) as refusal:
        record(visit, people.am, channel=Channel.PHONE)
    assert refusal.value.code == "visit_required"
    done = record(visit, people.am, channel=Channel.VISIT, next_contact_on=D(2026, 12, 15))

    assert done.next_task.reason == Reason.INSTITUTION_VISIT
    assert done.next_task.due_on == D(2026, 12, 15)
    assert done.next_task.channel == Channel.VISIT


def test_recording_when_next_years_calendar_is_unknown_leaves_the_date_to_the_planner(
    people, calendar
):
    customer = institution(people)
    departed(people, customer, on=D(2025, 12, 1))
    revisits_plan(branch=people.branch, business_date=D(2025, 12, 1), calendar=calendar)
    visit = RevisitTask.objects.get(customer=customer, reason=Reason.INSTITUTION_VISIT)

    # A year on is November 2027, a year the calendar does not know yet.
    done = record(visit, people.am, channel=Channel.VISIT)

    assert done.status == TaskStatus.DONE
    assert done.next_task is None


def test_a_revisit_must_say_what_it_covered_and_what_was_said(people, first_week):
    with pytest.raises(ApplicationError) as no_topic:
        record(first_week, people.am, topics=[])
    with pytest.raises(ApplicationError) as nothing_said:
        record(first_week, people.am, outcome="  ")
    assert no_topic.value.code == "topics_missing"
    assert nothing_said.value.code == "outcome_missing"


def test_a_revisit_cannot_be_recorded_in_the_future_or_twice(people, first_week):
    with pytest.raises(ApplicationError) as future:
        record(first_week, people.am, done_on=D(2026, 11, 26))
    record(first_week, people.am)
    with pytest.raises(ApplicationError) as twice:
        record(first_week, people.am)
    assert future.value.code == "in_the_future"
    assert twice.value.code == "already_recorded"


@pytest.mark.parametrize("role", [Role.COUNTER_CLERK, Role.AUDITOR, Role.ACCOUNT_MANAGER])
def test_only_the_owner_or_a_director_records(people, first_week, role):
    stranger = StaffFactory(branch=people.branch, roles=[role])
    with pytest.raises(ApplicationError) as refusal:
        record(first_week, stranger)
    assert refusal.value.code == "forbidden"

    assert record(first_week, people.md).recorded_by == people.md


def test_another_branch_cannot_record(people, other_branch, first_week):
    with pytest.raises(ApplicationError) as refusal:
        record(first_week, other_branch.md)
    assert refusal.value.code == "not_found"


def test_one_off_revisit_with_a_next_contact_creates_a_follow_up(people, calendar):
    from tests.builders import make_commitment

    customer = people.customer("ordinary")
    make_commitment(people, customer, D(2026, 12, 10))
    revisits_plan(branch=people.branch, business_date=D(2026, 11, 25), calendar=calendar)
    task = RevisitTask.objects.get(customer=customer, reason=Reason.COMMITMENT)

    done = record(task, people.am, next_contact_on=D(2026, 12, 2))

    assert done.next_task.reason == Reason.FOLLOW_UP
    assert done.next_task.due_on == D(2026, 12, 2)


def test_director_reassigns_an_open_revisit_within_the_branch(people, other_branch, first_week):
    colleague = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])

    with pytest.raises(ApplicationError):
        revisit_reassign(task=first_week, actor=people.am, owner=colleague)
    with pytest.raises(ApplicationError):
        revisit_reassign(task=first_week, actor=people.md, owner=other_branch.am)
    with pytest.raises(ApplicationError):
        revisit_reassign(task=first_week, actor=people.md, owner=people.clerk)
    assert revisit_reassign(task=first_week, actor=people.md, owner=colleague).owner == colleague
