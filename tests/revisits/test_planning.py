"""The planner turns the rules of Art. 31–34 into tasks with the right due dates — across
weekends, the Mid-Autumn and National Day holidays and the Spring Festival — and creates
nothing twice."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from revisits.models import Channel, Reason, RevisitTask, TaskStatus
from revisits.services import revisits_plan
from revisits.services.planning import insert_new_tasks
from tests.accounts.factories import StaffFactory
from tests.builders import (
    deferred,
    departed,
    emptied,
    important,
    institution,
    make_commitment,
    refine,
)
from transfers.models import TransferRequest, TransferState

D = dt.date


def plan(people, on, calendar):
    return revisits_plan(branch=people.branch, business_date=on, calendar=calendar)


def tasks(customer, reason):
    return list(RevisitTask.objects.filter(customer=customer, reason=reason).order_by("due_on"))


def due_dates(customer, reason):
    return [t.due_on for t in tasks(customer, reason)]


# --- Art. 31: in the week they leave ------------------------------------------------------


@pytest.mark.parametrize(
    ("left_on", "due_on"),
    [
        # An ordinary week: by Friday.
        (D(2026, 11, 25), D(2026, 11, 27)),
        # The week of National Day: the exchanges close from Thursday 1 October.
        (D(2026, 9, 28), D(2026, 9, 30)),
        # Mid-Autumn Festival closes Friday 25 September 2026.
        (D(2026, 9, 22), D(2026, 9, 24)),
        # Spring Festival 2025 closes from Tuesday 28 January: the day they leave is the
        # week's last trading day.
        (D(2025, 1, 27), D(2025, 1, 27)),
        # Leaving on a Friday: that same Friday.
        (D(2026, 11, 20), D(2026, 11, 20)),
    ],
)
def test_important_customer_who_left_is_revisited_by_the_last_trading_day_of_that_week(
    people, calendar, left_on, due_on
):
    customer = important(people)
    departed(people, customer, on=left_on)

    plan(people, left_on, calendar)

    [task] = tasks(customer, Reason.LEFT_FIRST)
    assert task.due_on == due_on
    assert task.owner == people.am
    assert task.status == TaskStatus.OPEN


def test_core_customer_who_took_all_assets_still_gets_the_first_week_revisit(people, calendar):
    # Today's assets are zero, so today's tier is ordinary; the request needed the general
    # manager's approval, so the customer was core when they left.
    customer = emptied(people.customer("core"))
    departed(people, customer, on=D(2026, 11, 23), senior=True)

    plan(people, D(2026, 11, 23), calendar)

    assert due_dates(customer, Reason.LEFT_FIRST) == [D(2026, 11, 27)]


def test_ordinary_customer_who_left_gets_no_revisit(people, calendar):
    customer = people.customer("ordinary")
    departed(people, customer, on=D(2026, 11, 23))

    plan(people, D(2026, 11, 25), calendar)

    assert not RevisitTask.objects.filter(customer=customer).exists()


def test_departure_after_the_business_date_is_not_planned_yet(people, calendar):
    customer = important(people)
    departed(people, customer, on=D(2026, 11, 26))

    plan(people, D(2026, 11, 25), calendar)

    assert not RevisitTask.objects.filter(customer=customer).exists()


def test_branch_that_tightened_the_rule_revisits_the_next_trading_day(people, calendar):
    refine(people.branch, "revisit.left_first", 1)
    customer = important(people)
    departed(people, customer, on=D(2026, 11, 25))

    plan(people, D(2026, 11, 25), calendar)

    assert due_dates(customer, Reason.LEFT_FIRST) == [D(2026, 11, 26)]


# --- Art. 31: then at least monthly ------------------------------------------------------


@pytest.mark.parametrize(
    ("left_on", "monthly_due"),
    [
        # First revisit due Fri 23 Jan 2026; 30 days on is Sun 22 Feb, inside the Spring
        # Festival closure (16–23 Feb): the contact moves before it, to Fri 13 Feb.
        (D(2026, 1, 21), D(2026, 2, 13)),
        # First revisit due Fri 4 Sep; 30 days on is Sun 4 Oct, in National Day: Wed 30 Sep.
        (D(2026, 8, 31), D(2026, 9, 30)),
        # First revisit due Fri 28 Aug; 30 days on is Sun 27 Sep, after the Mid-Autumn
        # Friday: Thu 24 Sep.
        (D(2026, 8, 26), D(2026, 9, 24)),
    ],
)
def test_monthly_contact_after_leaving_moves_before_a_holiday(
    people, calendar, left_on, monthly_due
):
    customer = important(people)
    departed(people, customer, on=left_on)

    plan(people, left_on, calendar)

    assert due_dates(customer, Reason.LEFT_MONTHLY) == [monthly_due]


def test_monthly_contact_counts_from_the_latest_revisit(people, calendar):
    customer = important(people)
    departed(people, customer, on=D(2026, 10, 12))
    plan(people, D(2026, 10, 12), calendar)
    monthly = tasks(customer, Reason.LEFT_MONTHLY)[0]
    # Done early, on 20 Oct, straight on the monthly task: the next one is due 30 days on.
    RevisitTask.objects.filter(pk=monthly.pk).update(
        status=TaskStatus.DONE, done_on=D(2026, 10, 20)
    )

    plan(people, D(2026, 10, 21), calendar)

    assert due_dates(customer, Reason.LEFT_MONTHLY) == [monthly.due_on, D(2026, 11, 19)]


# --- Art. 32: institutions, in person once a year ----------------------------------------


def test_institution_that_left_is_visited_in_person_within_a_year(people, calendar):
    customer = institution(people)
    departed(people, customer, on=D(2025, 10, 13))

    plan(people, D(2025, 10, 13), calendar)

    [visit] = tasks(customer, Reason.INSTITUTION_VISIT)
    assert visit.due_on == D(2026, 10, 13)
    assert visit.channel == Channel.VISIT
    # Institutions are routed like core customers: the first-week revisit too.
    assert due_dates(customer, Reason.LEFT_FIRST) == [D(2025, 10, 17)]


def test_yearly_visit_in_a_year_the_calendar_does_not_know_waits_without_failing(people, calendar):
    customer = institution(people)
    departed(people, customer, on=D(2026, 3, 10))

    counts = plan(people, D(2026, 3, 10), calendar)

    assert not tasks(customer, Reason.INSTITUTION_VISIT)
    assert counts["waiting_for_calendar"] == 1
    assert due_dates(customer, Reason.LEFT_FIRST) == [D(2026, 3, 13)]


# --- Art. 34: customers who deferred ------------------------------------------------------


def test_deferred_customer_is_contacted_before_a_trial_end_in_national_day_and_monthly(
    people, calendar
):
    customer = people.customer("ordinary")
    deferred(people, customer, on=D(2026, 9, 14), follow_up_on=D(2026, 10, 3))

    plan(people, D(2026, 9, 14), calendar)

    assert due_dates(customer, Reason.DEFERRED_TRIAL_END) == [D(2026, 9, 30)]
    assert due_dates(customer, Reason.DEFERRED_MONTHLY) == [D(2026, 10, 14)]


def test_trial_end_falling_in_the_spring_festival_is_contacted_before_it(people, calendar):
    customer = people.customer("ordinary")
    deferred(people, customer, on=D(2026, 1, 26), follow_up_on=D(2026, 2, 18))

    plan(people, D(2026, 1, 26), calendar)

    assert due_dates(customer, Reason.DEFERRED_TRIAL_END) == [D(2026, 2, 13)]


def test_deferred_contacts_stop_once_the_customer_decides(people, calendar):
    customer = people.customer("ordinary")
    req = deferred(people, customer, on=D(2026, 11, 16), follow_up_on=D(2026, 12, 16))
    plan(people, D(2026, 11, 16), calendar)
    assert RevisitTask.objects.filter(customer=customer, status=TaskStatus.OPEN).count() == 2

    type(req).objects.filter(pk=req.pk).update(state=TransferState.WITHDRAWN)
    counts = plan(people, D(2026, 11, 25), calendar)

    assert counts["cancelled.decided"] == 2
    assert not RevisitTask.objects.filter(customer=customer, status=TaskStatus.OPEN).exists()


# --- Art. 29, 34: promises ---------------------------------------------------------------


def test_open_promise_gets_a_contact_two_trading_days_before_it_is_due(people, calendar):
    customer = people.customer("ordinary")
    owner = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    # Due Thu 8 Oct 2026, the first trading day after National Day: two trading days
    # before it are Wed 30 Sep and Tue 29 Sep.
    commitment = make_commitment(people, customer, D(2026, 10, 8), owner=owner)

    plan(people, D(2026, 9, 21), calendar)

    [task] = tasks(customer, Reason.COMMITMENT)
    assert task.due_on == D(2026, 9, 29)
    assert task.owner == owner
    assert task.source_ref == f"commitment:{commitment.pk}"


def test_promise_made_at_short_notice_is_due_at_once(people, calendar):
    customer = people.customer("ordinary")
    make_commitment(people, customer, D(2026, 11, 26))

    plan(people, D(2026, 11, 25), calendar)

    assert due_dates(customer, Reason.COMMITMENT) == [D(2026, 11, 25)]


def test_kept_promise_cancels_its_open_contact(people, calendar):
    from retention.models import Commitment, CommitmentStatus

    customer = people.customer("ordinary")
    commitment = make_commitment(people, customer, D(2026, 12, 10))
    plan(people, D(2026, 11, 25), calendar)
    Commitment.objects.filter(pk=commitment.pk).update(
        status=CommitmentStatus.KEPT, kept_on=D(2026, 11, 26), evidence="已升级"
    )

    plan(people, D(2026, 11, 26), calendar)

    [task] = tasks(customer, Reason.COMMITMENT)
    assert task.status == TaskStatus.CANCELLED


# --- idempotence -------------------------------------------------------------------------


def everything():
    return sorted(
        RevisitTask.objects.values_list("customer_id", "reason", "due_on", "source_ref", "status")
    )


def test_planning_twice_creates_nothing_new(people, calendar):
    departed(people, important(people), on=D(2026, 11, 23))
    departed(people, institution(people), on=D(2025, 12, 1))
    deferred(people, people.customer(), on=D(2026, 11, 20), follow_up_on=D(2026, 12, 4))
    make_commitment(people, people.customer(), D(2026, 12, 3))
    first = plan(people, D(2026, 11, 25), calendar)
    before = everything()

    second = plan(people, D(2026, 11, 25), calendar)

    assert sum(first.values()) >= 6
    assert everything() == before
    assert not any(key.startswith("planned.") for key in second)


def test_rerun_for_a_past_date_fills_only_what_is_missing(people, calendar):
    done_customer = important(people)
    departed(people, done_customer, on=D(2026, 11, 17))
    plan(people, D(2026, 11, 18), calendar)
    first_week = tasks(done_customer, Reason.LEFT_FIRST)[0]
    RevisitTask.objects.filter(pk=first_week.pk).update(
        status=TaskStatus.DONE, done_on=D(2026, 11, 18), outcome="已电话回访"
    )
    # A departure the run of 18 November missed (the request was entered late).
    missed = important(people)
    departed(people, missed, on=D(2026, 11, 18))
    count_before = RevisitTask.objects.count()

    counts = plan(people, D(2026, 11, 18), calendar)

    assert due_dates(missed, Reason.LEFT_FIRST) == [D(2026, 11, 20)]
    first_week.refresh_from_db()
    assert first_week.status == TaskStatus.DONE
    assert len(tasks(done_customer, Reason.LEFT_FIRST)) == 1
    assert counts["planned.left_first"] == 1
    # The missed customer's first-week and monthly contacts; nothing else.
    assert RevisitTask.objects.count() == count_before + 2


def test_other_branch_is_not_planned(people, other_branch, calendar):
    theirs = important(other_branch)
    departed(other_branch, theirs, on=D(2026, 11, 23))

    plan(people, D(2026, 11, 25), calendar)

    assert not RevisitTask.objects.filter(customer=theirs).exists()


def test_deferred_again_with_a_new_trial_end_moves_the_open_contact(people, calendar):
    customer = people.customer("ordinary")
    req = deferred(people, customer, on=D(2026, 11, 16), follow_up_on=D(2026, 12, 4))
    plan(people, D(2026, 11, 16), calendar)
    [task] = tasks(customer, Reason.DEFERRED_TRIAL_END)
    TransferRequest.objects.filter(pk=req.pk).update(follow_up_on=D(2026, 12, 18))

    counts = plan(people, D(2026, 11, 25), calendar)

    # Art. 34: when the new trial period ends, on the same task.
    assert due_dates(customer, Reason.DEFERRED_TRIAL_END) == [D(2026, 12, 18)]
    assert tasks(customer, Reason.DEFERRED_TRIAL_END)[0].pk == task.pk
    assert counts["moved.deferred_trial_end"] == 1


def _a_branch_with(people, n):
    for i in range(n):
        departed(people, important(people), on=D(2026, 11, 23))
        departed(people, institution(people), on=D(2025, 12, 1) + dt.timedelta(days=i))
        deferred(people, people.customer(), on=D(2026, 11, 20), follow_up_on=D(2026, 12, 4))
        make_commitment(people, people.customer(), D(2026, 12, 3))


def test_planning_costs_the_same_queries_for_a_small_and_a_large_branch(people, calendar):
    """The nightly planner runs for a million customers: its queries are set by
    set, never one per task, so ten times the work is the same number of statements."""
    plan(people, D(2026, 11, 25), calendar)  # the branch's rules are made on first use
    _a_branch_with(people, 2)
    with CaptureQueriesContext(connection) as small:
        small_counts = plan(people, D(2026, 11, 25), calendar)
    RevisitTask.objects.all().delete()
    _a_branch_with(people, 20)

    with CaptureQueriesContext(connection) as large:
        large_counts = plan(people, D(2026, 11, 25), calendar)

    assert sum(large_counts.values()) > 5 * sum(small_counts.values())
    # The same statements, but for how many batches the one bulk INSERT takes (SQLite's
    # limit on parameters makes them small there; PostgreSQL writes 1,000 rows a batch).
    assert reads_and_updates(large) == reads_and_updates(small)


def reads_and_updates(queries):
    return [q["sql"][:30] for q in queries if not q["sql"].lstrip().startswith("INSERT")]


def test_the_planners_write_stores_each_value_and_the_models_defaults_and_skips_a_duplicate(
    people,
):
    """The one write of new tasks (an array a column on PostgreSQL, bulk_create elsewhere):
    what it is given, quotes and backslashes included, the model's defaults for the rest,
    and only what the unique constraints let in, counted by reason."""
    customer = people.customer()
    row = (customer.pk, Reason.COMMITMENT, 'commitment:"1"\\', D(2026, 12, 1), None, "phone")
    other = (customer.pk, Reason.LEFT_MONTHLY, "", D(2026, 12, 2), people.am.pk, Channel.VISIT)

    inserted = insert_new_tasks(people.branch.pk, [row, other, row])

    assert inserted == {Reason.COMMITMENT: 1, Reason.LEFT_MONTHLY: 1}
    written = RevisitTask.objects.order_by("pk")
    assert [
        (t.customer_id, t.reason, t.source_ref, t.due_on, t.owner_id, t.channel) for t in written
    ] == [row, other]
    first = written[0]
    assert (first.branch_id, first.status, first.topics, first.outcome, first.note) == (
        people.branch.pk,
        TaskStatus.OPEN,
        [],
        "",
        "",
    )
    assert first.created_at is not None
