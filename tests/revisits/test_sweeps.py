"""The revisits' daily sweeps: reminders reach the right person once a day, and late
revisits reach the marketing director."""

import datetime as dt
import itertools

import pytest
from django.core import mail

from accounts.roles import Role
from notifications.models import Notification
from revisits.models import Reason, RevisitTask
from revisits.services import (
    revisit_reminders_send,
    revisits_escalate_late,
)
from tests.accounts.factories import StaffFactory

D = dt.date
TODAY = D(2026, 11, 25)


_refs = itertools.count()


def task(people, customer, due_on, owner):
    """An open revisit (a follow-up: a customer may have several at once)."""
    return RevisitTask.objects.create(
        branch=people.branch,
        customer=customer,
        reason=Reason.FOLLOW_UP,
        source_ref=f"test:{next(_refs)}",
        due_on=due_on,
        owner=owner,
    )


def inbox(person):
    return list(Notification.objects.filter(recipient=person).order_by("pk"))


@pytest.fixture
def two_owners(people):
    other_am = StaffFactory(
        branch=people.branch, roles=[Role.ACCOUNT_MANAGER], email="li@branch.example"
    )
    people.am.email = "wang@branch.example"
    people.am.save(update_fields=["email"])
    mine = people.customer(name="张三")
    theirs = people.customer(name="李四", account_manager=other_am)
    task(people, mine, TODAY, people.am)
    task(people, mine, D(2026, 11, 20), people.am)  # late
    task(people, theirs, TODAY, other_am)
    return people.am, other_am, mine, theirs


def test_each_owner_is_reminded_of_their_own_revisits_in_the_inbox_and_by_mail(
    people, calendar, two_owners, django_capture_on_commit_callbacks
):
    am, other_am, mine, theirs = two_owners

    with django_capture_on_commit_callbacks(execute=True):
        counts = revisit_reminders_send(
            branch=people.branch, business_date=TODAY, calendar=calendar
        )

    assert counts["reminded"] == 2
    [mine_note] = inbox(am)
    assert "2" in mine_note.subject and "1" in mine_note.subject  # two due, one late
    assert mine.fund_account in mine_note.body and theirs.fund_account not in mine_note.body
    [their_note] = inbox(other_am)
    assert theirs.fund_account in their_note.body and mine.fund_account not in their_note.body
    assert sorted(m.to[0] for m in mail.outbox) == ["li@branch.example", "wang@branch.example"]
    assert not inbox(people.md)


def test_reminders_go_out_only_once_a_day(
    people, calendar, two_owners, django_capture_on_commit_callbacks
):
    am, other_am, *_ = two_owners
    with django_capture_on_commit_callbacks(execute=True):
        revisit_reminders_send(branch=people.branch, business_date=TODAY, calendar=calendar)
    with django_capture_on_commit_callbacks(execute=True):
        again = revisit_reminders_send(branch=people.branch, business_date=TODAY, calendar=calendar)

    assert again["reminded"] == 0
    assert len(inbox(am)) == 1 and len(inbox(other_am)) == 1
    assert len(mail.outbox) == 2

    # The next trading day, the still-open revisits are reminded again.
    with django_capture_on_commit_callbacks(execute=True):
        revisit_reminders_send(
            branch=people.branch, business_date=D(2026, 11, 26), calendar=calendar
        )
    assert len(inbox(am)) == 2


def test_reminder_before_national_day_announces_the_first_trading_day_after_it(people, calendar):
    customer = people.customer()
    task(people, customer, D(2026, 9, 30), people.am)
    task(people, customer, D(2026, 10, 8), people.am)

    revisit_reminders_send(branch=people.branch, business_date=D(2026, 9, 30), calendar=calendar)

    [note] = inbox(people.am)
    assert "2026-10-08" in note.body


def test_due_revisits_without_an_owner_go_to_the_marketing_director(people, calendar):
    task(people, people.customer(), TODAY, None)

    counts = revisit_reminders_send(branch=people.branch, business_date=TODAY, calendar=calendar)

    assert counts["unowned"] == 1
    assert len(inbox(people.md)) == 1


def test_late_revisits_are_escalated_to_the_marketing_director_once_a_day(people):
    customer = people.customer()
    task(people, customer, D(2026, 11, 24), people.am)
    task(people, customer, TODAY, people.am)  # due today: not late yet

    first = revisits_escalate_late(branch=people.branch, business_date=TODAY)
    second = revisits_escalate_late(branch=people.branch, business_date=TODAY)

    assert first["late"] == 1 and first["escalated"] == 1
    assert second["escalated"] == 0
    [note] = inbox(people.md)
    assert customer.fund_account in note.body
    assert str(people.am) in note.body
    assert not inbox(people.gm)


def test_nothing_late_tells_nobody(people):
    task(people, people.customer(), TODAY, people.am)
    assert revisits_escalate_late(branch=people.branch, business_date=TODAY)["late"] == 0
    assert not Notification.objects.exists()
