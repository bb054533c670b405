"""Art. 16: while any blocking condition holds, the request cannot be processed. Checked when
the last approval is in and again right before processing; all that hold are listed at once."""

import datetime as dt

import pytest

from accounts.roles import Role
from core_system.models import CoreAccountState
from kernel.errors import ApplicationError
from tests.accounts.factories import CoreAccountStateFactory
from tests.builders import (
    approvers_for,
    audit_rows,
    person,
    set_core_state,
    state_of,
    to_approved,
    to_awaiting_approval,
)
from transfers import services
from transfers.models import TransferRequest, TransferState

S = TransferState
TODAY = dt.date(2026, 11, 25)

# code: how the core system's export shows it
CONDITIONS = {
    "orders_today": {"last_order_date": TODAY},  # Art. 16(1), filled or not
    "bond_repo_open": {"open_bond_repo": True},  # Art. 16(2)
    "repo_registration": {"repo_registration_open": True},  # Art. 16(3)
    "ipo_frozen": {"ipo_funds_frozen": True},  # Art. 16(4)
    "agreement_unfulfilled": {"unfulfilled_agreement": "融资融券合同未了结"},  # Art. 16(5)
    "clearing_house_hold": {"clearing_house_hold": "深圳分公司：司法冻结"},  # Art. 16(6)
}
ALL_CODES = [*CONDITIONS, "no_core_data"]


def hold(customer, code):
    if code == "no_core_data":
        CoreAccountState.objects.filter(customer=customer).delete()
    else:
        set_core_state(customer, **CONDITIONS[code])


def approve_all(people, req):
    for approver in approvers_for(people, req.customer):
        services.transfer_approve(request=req, actor=approver)
    return TransferRequest.objects.get(pk=req.pk)


def codes(req):
    return [c["code"] for c in req.blocking_conditions]


@pytest.mark.parametrize("code", ALL_CODES)
def test_each_condition_alone_blocks_when_approval_completes(people, code):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    hold(customer, code)

    req = approve_all(people, req)

    assert req.state == S.BLOCKED
    assert codes(req) == [code]
    assert all(c["message"] for c in req.blocking_conditions)
    assert req.blocking_checked_at is not None
    entry = audit_rows(req)[-1]
    assert (entry.action, entry.from_state, entry.to_state) == (
        "block",
        S.AWAITING_APPROVAL,
        S.BLOCKED,
    )
    assert req.blocking_conditions[0]["message"] in entry.comment


def test_an_order_placed_yesterday_does_not_block(people):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    set_core_state(customer, last_order_date=TODAY - dt.timedelta(days=1))
    req = approve_all(people, req)
    assert req.state == S.APPROVED
    assert req.blocking_conditions == []


def test_all_conditions_that_hold_are_listed_at_once(people):
    customer = people.customer("important")
    req = to_awaiting_approval(people, customer)
    for code in CONDITIONS:
        hold(customer, code)

    req = approve_all(people, req)

    assert req.state == S.BLOCKED
    assert sorted(codes(req)) == sorted(CONDITIONS)
    messages = " ".join(c["message"] for c in req.blocking_conditions)
    assert "融资融券合同未了结" in messages
    assert "深圳分公司：司法冻结" in messages


def test_two_conditions_together_are_both_listed(people):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    hold(customer, "ipo_frozen")
    hold(customer, "orders_today")
    req = approve_all(people, req)
    assert sorted(codes(req)) == ["ipo_frozen", "orders_today"]


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_condition_that_appears_after_approval_blocks_processing(people, code):
    customer = people.customer("ordinary")
    req = to_approved(people, customer)
    assert req.state == S.APPROVED
    hold(customer, code)

    req = services.transfer_start_processing(request=req, actor=people.clerk)

    assert req.state == S.BLOCKED
    fresh = TransferRequest.objects.get(pk=req.pk)
    assert fresh.state == S.BLOCKED
    assert codes(fresh) == [code]
    entry = audit_rows(req)[-1]
    assert (entry.action, entry.from_state, entry.to_state) == ("block", S.APPROVED, S.BLOCKED)


def test_several_conditions_appearing_before_processing_are_all_listed(people):
    customer = people.customer("ordinary")
    req = to_approved(people, customer)
    hold(customer, "bond_repo_open")
    hold(customer, "repo_registration")
    hold(customer, "clearing_house_hold")
    services.transfer_start_processing(request=req, actor=people.clerk)
    fresh = TransferRequest.objects.get(pk=req.pk)
    assert fresh.state == S.BLOCKED
    assert sorted(codes(fresh)) == ["bond_repo_open", "clearing_house_hold", "repo_registration"]


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_recheck_clears_the_request_once_the_condition_is_resolved(people, code):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    hold(customer, code)
    req = approve_all(people, req)
    assert req.state == S.BLOCKED

    if code == "no_core_data":
        CoreAccountStateFactory(customer=customer)
    else:
        CoreAccountState.objects.filter(customer=customer).update(
            last_order_date=None,
            open_bond_repo=False,
            repo_registration_open=False,
            ipo_funds_frozen=False,
            unfulfilled_agreement="",
            clearing_house_hold="",
        )
    services.transfer_recheck(request=req, actor=people.clerk)

    fresh = TransferRequest.objects.get(pk=req.pk)
    assert fresh.state == S.APPROVED
    assert fresh.blocking_conditions == []
    services.transfer_start_processing(request=fresh, actor=people.clerk)
    assert state_of(req) == S.PROCESSING


def test_a_recheck_while_conditions_hold_keeps_the_request_blocked_with_the_new_list(people):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    hold(customer, "bond_repo_open")
    hold(customer, "ipo_frozen")
    req = approve_all(people, req)

    set_core_state(customer, ipo_funds_frozen=False)
    services.transfer_recheck(request=req, actor=people.clerk)

    fresh = TransferRequest.objects.get(pk=req.pk)
    assert fresh.state == S.BLOCKED
    assert codes(fresh) == ["bond_repo_open"]
    assert audit_rows(req)[-1].action == "recheck"


def test_orders_today_block_only_for_today(people, frozen_now):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    hold(customer, "orders_today")
    req = approve_all(people, req)
    assert req.state == S.BLOCKED

    frozen_now.move_to(dt.datetime.fromisoformat("2026-11-26T09:30:00+08:00"))
    services.transfer_recheck(request=req, actor=people.clerk)
    assert state_of(req) == S.APPROVED


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.MARKETING_DIRECTOR, Role.AUDITOR])
def test_only_counter_staff_recheck(people, role):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    hold(customer, "bond_repo_open")
    req = approve_all(people, req)
    set_core_state(customer, open_bond_repo=False)
    before = len(audit_rows(req))
    with pytest.raises(ApplicationError) as caught:
        services.transfer_recheck(request=req, actor=person(people, role))
    assert caught.value.code == "forbidden"
    assert state_of(req) == S.BLOCKED
    assert len(audit_rows(req)) == before


def test_a_blocked_request_cannot_be_processed(people):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    hold(customer, "ipo_frozen")
    req = approve_all(people, req)
    with pytest.raises(ApplicationError) as caught:
        services.transfer_start_processing(request=req, actor=people.clerk)
    assert caught.value.code == "invalid_state"
    assert state_of(req) == S.BLOCKED
