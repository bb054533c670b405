"""The daily sweeps: reminders reach the right person once a day, escalations reach the
marketing director (and the general manager for sign-offs and late requests), and the
Art. 19 sweep finds exactly the accounts ready to close."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core import mail

from accounts.roles import Role
from core_system.models import CoreAccountState
from notifications.models import Notification
from revisits.models import ClosureCandidate, Reason, RevisitTask
from revisits.services import (
    closure_sweep,
    late_requests_flag,
    revisit_reminders_send,
    revisits_escalate_late,
    sign_offs_escalate,
)
from tests.accounts.factories import StaffFactory
from transfers.models import Approval, ApprovalMode, ApprovalStep, TransferRequest, TransferState

from .conftest import beijing, departed

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


def phone_approval(people, *, due_on):
    req = TransferRequest.objects.create(
        branch=people.branch,
        customer=people.customer("important"),
        created_by=people.clerk,
        wants_sz_transfer=True,
        state=TransferState.AWAITING_APPROVAL,
    )
    return Approval.objects.create(
        request=req,
        step=ApprovalStep.MARKETING_DIRECTOR,
        approver=people.md,
        mode=ApprovalMode.PHONE,
        approved_at=beijing(2026, 11, 20),
        recorded_by=people.clerk,
        sign_off_due_on=due_on,
    )


def test_overdue_written_sign_off_reaches_the_marketing_director_and_general_manager(people):
    overdue = phone_approval(people, due_on=D(2026, 11, 23))
    phone_approval(people, due_on=TODAY)  # due today: not overdue

    counts = sign_offs_escalate(branch=people.branch, business_date=TODAY)
    sign_offs_escalate(branch=people.branch, business_date=TODAY)

    assert counts["overdue"] == 1 and counts["escalated"] == 2
    for boss in (people.md, people.gm):
        [note] = inbox(boss)
        assert f"#{overdue.request_id}" in note.subject
    assert not inbox(people.lead)


def test_late_request_is_flagged_to_the_general_manager_once_per_request_per_day(people):
    late = TransferRequest.objects.create(
        branch=people.branch,
        customer=people.customer(),
        created_by=people.clerk,
        wants_sz_transfer=True,
        state=TransferState.APPROVED,
        due_on=D(2026, 11, 24),
    )
    due_today = TransferRequest.objects.create(
        branch=people.branch,
        customer=people.customer(),
        created_by=people.clerk,
        wants_sz_transfer=True,
        state=TransferState.APPROVED,
        due_on=TODAY,
    )

    late_requests_flag(branch=people.branch, business_date=TODAY)
    late_requests_flag(branch=people.branch, business_date=TODAY)
    assert [f"#{late.pk}" in n.subject for n in inbox(people.gm)] == [True]

    # The next day both are late: each is flagged once more.
    late_requests_flag(branch=people.branch, business_date=D(2026, 11, 26))
    late_requests_flag(branch=people.branch, business_date=D(2026, 11, 26))
    subjects = [n.subject for n in inbox(people.gm)]
    assert len(subjects) == 3
    assert sum(f"#{late.pk}" in s for s in subjects) == 2
    assert sum(f"#{due_today.pk}" in s for s in subjects) == 1
    assert not inbox(people.md)


# --- Art. 19 -----------------------------------------------------------------------------


def ready_customer(people, **customer_fields):
    """Shanghai designation revoked, Shenzhen holdings transferred, interest settled, no
    cash, no agreement: ready to close."""
    customer = people.customer(sh_designated_here=False, **customer_fields)
    CoreAccountState.objects.filter(customer=customer).update(
        sz_holdings_in_custody=False, interest_settled=True, cash_balance=Decimal("0")
    )
    return customer


def test_closure_sweep_finds_exactly_the_accounts_ready_to_close(people, other_branch):
    ready = ready_customer(people, name="可销户")
    no_shenzhen_account = people.customer(sh_designated_here=False, sz_account="")
    CoreAccountState.objects.filter(customer=no_shenzhen_account).update(interest_settled=True)

    not_ready = {
        "sh still designated": people.customer(),
        "sz still in custody": people.customer(sh_designated_here=False),
    }
    for label, change in {
        "interest": {"interest_settled": False},
        "cash": {"cash_balance": Decimal("0.01")},
        "agreement": {"unfulfilled_agreement": "融资融券协议"},
    }.items():
        customer = ready_customer(people)
        CoreAccountState.objects.filter(customer=customer).update(**change)
        not_ready[label] = customer
    no_export = people.customer(sh_designated_here=False, sz_account="")
    CoreAccountState.objects.filter(customer=no_export).delete()
    not_ready["no core data"] = no_export
    open_request = ready_customer(people)
    TransferRequest.objects.create(
        branch=people.branch,
        customer=open_request,
        created_by=people.clerk,
        wants_closure=True,
        state=TransferState.AWAITING_APPROVAL,
    )
    not_ready["open request"] = open_request
    already_closed = ready_customer(people)
    TransferRequest.objects.create(
        branch=people.branch,
        customer=already_closed,
        created_by=people.clerk,
        wants_closure=True,
        state=TransferState.COMPLETED,
    )
    not_ready["closed"] = already_closed
    theirs = ready_customer(other_branch)

    counts = closure_sweep(branch=people.branch, business_date=TODAY)

    found = set(
        ClosureCandidate.objects.filter(business_date=TODAY).values_list("customer_id", flat=True)
    )
    assert found == {ready.pk, no_shenzhen_account.pk}
    assert theirs.pk not in found
    assert counts["ready"] == 2 and counts["new"] == 2
    [note] = inbox(people.lead)
    assert ready.fund_account in note.body
    assert not inbox(people.clerk)


def test_closure_sweep_run_twice_lists_and_tells_once(people):
    ready_customer(people)
    closure_sweep(branch=people.branch, business_date=TODAY)

    again = closure_sweep(branch=people.branch, business_date=TODAY)

    assert again["ready"] == 1 and again["new"] == 0
    assert ClosureCandidate.objects.count() == 1
    assert len(inbox(people.lead)) == 1


def test_a_customer_who_left_last_week_with_everything_out_is_found(people):
    customer = ready_customer(people)
    departed(people, customer, on=D(2026, 11, 18))  # a transfer-out, not a closure

    closure_sweep(branch=people.branch, business_date=TODAY)

    assert ClosureCandidate.objects.filter(customer=customer).exists()
