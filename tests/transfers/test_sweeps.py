"""The requests' daily sweeps: overdue written sign-offs (Art. 17), requests past the
customer's two trading days, and the fund accounts ready to close (Art. 19)."""

import datetime as dt
from decimal import Decimal

import pytest

from core_system.models import CoreAccountState
from notifications.models import Notification
from tests.builders import beijing, departed
from transfers.models import (
    Approval,
    ApprovalMode,
    ApprovalStep,
    ClosureCandidate,
    TransferRequest,
    TransferState,
)
from transfers.services import closure_sweep, late_requests_flag, sign_offs_escalate

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 11, 25)


def inbox(person):
    return list(Notification.objects.filter(recipient=person).order_by("pk"))


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
