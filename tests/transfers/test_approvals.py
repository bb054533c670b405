"""Approval by tier (Art. 9, 10, 17): who approves, in which order, and approval by phone
with the written sign-off (补签) due on the next trading day."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.roles import Role
from accounts.services import customer_set_tier
from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.models import ExchangeHoliday
from tests.builders import (
    audit_rows,
    person,
    reason,
    state_of,
    to_awaiting_approval,
)
from transfers import selectors, services
from transfers.models import (
    Approval,
    ApprovalMode,
    TransferRequest,
    TransferState,
    required_documents,
)

S = TransferState
BEIJING = ZoneInfo("Asia/Shanghai")
YESTERDAY = dt.date(2026, 11, 24)  # the trading day before the frozen Wednesday


def beijing(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


def approve(req, actor):
    return services.transfer_approve(request=req, actor=actor)


def refused(req, actor, code):
    before = (state_of(req), Approval.objects.filter(request=req).count(), len(audit_rows(req)))
    with pytest.raises(ApplicationError) as caught:
        approve(req, actor)
    assert caught.value.code == code
    assert str(caught.value)
    after = (state_of(req), Approval.objects.filter(request=req).count(), len(audit_rows(req)))
    assert after == before
    return caught.value


def core_customer(people, **kwargs):
    customer = people.customer("core", **kwargs)
    people.book_appointment(customer, booked_on=YESTERDAY)
    return customer


def institution(people, **kwargs):
    customer = people.institution(**kwargs)
    people.book_appointment(customer, booked_on=YESTERDAY)
    return customer


# --- Routes ---------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["lead", "am"])
def test_an_ordinary_customer_needs_the_counter_lead_and_own_account_manager_in_any_order(
    people, first
):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    second = "am" if first == "lead" else "lead"
    approve(req, getattr(people, first))
    assert state_of(req) == S.AWAITING_APPROVAL
    approve(req, getattr(people, second))
    assert state_of(req) == S.APPROVED


def test_an_ordinary_customer_needs_no_director_or_general_manager(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    refused(req, people.md, "not_in_route")
    refused(req, people.gm, "not_in_route")


def test_an_important_customer_needs_the_marketing_director_after_both(people):
    req = to_awaiting_approval(people, people.customer("important"))
    refused(req, people.md, "not_yet")
    approve(req, people.lead)
    refused(req, people.md, "not_yet")  # the account manager has not approved yet
    approve(req, people.am)
    assert state_of(req) == S.AWAITING_APPROVAL
    refused(req, people.gm, "not_in_route")
    approve(req, people.md)
    assert state_of(req) == S.APPROVED


@pytest.mark.parametrize("make", [core_customer, institution], ids=["core", "institution"])
def test_core_and_institution_customers_end_with_the_general_manager(people, make):
    req = to_awaiting_approval(people, make(people))
    refused(req, people.md, "not_yet")  # the director before the lead and account manager
    refused(req, people.gm, "not_yet")
    approve(req, people.am)
    approve(req, people.lead)
    refused(req, people.gm, "not_yet")  # the general manager before the director
    approve(req, people.md)
    assert state_of(req) == S.AWAITING_APPROVAL
    approve(req, people.gm)
    assert state_of(req) == S.APPROVED
    steps = list(Approval.objects.filter(request=req).order_by("pk").values_list("step", flat=True))
    assert steps[-1] == "general_manager"


def test_an_institution_with_small_assets_is_still_routed_like_core(people):
    customer = institution(people, assets=Decimal("1000"), annual_volume=Decimal("0"))
    assert customer.tier == "ordinary"
    req = to_awaiting_approval(people, customer)
    for approver in (people.lead, people.am, people.md):
        approve(req, approver)
    assert state_of(req) == S.AWAITING_APPROVAL
    approve(req, people.gm)
    assert state_of(req) == S.APPROVED


def test_a_manual_tier_override_raises_the_route(people):
    customer = people.customer("ordinary")
    customer_set_tier(customer=customer, actor=people.md, tier="important", reason="关联账户合计大")
    req = to_awaiting_approval(people, customer)
    approve(req, people.lead)
    approve(req, people.am)
    assert state_of(req) == S.AWAITING_APPROVAL
    approve(req, people.md)
    assert state_of(req) == S.APPROVED


def test_a_manual_tier_override_lowers_the_route(people):
    customer = people.customer("core")
    customer_set_tier(customer=customer, actor=people.gm, tier="ordinary", reason="资产已转出")
    req = to_awaiting_approval(people, customer)  # no appointment needed any more
    approve(req, people.lead)
    approve(req, people.am)
    assert state_of(req) == S.APPROVED


def test_the_approval_progress_shows_the_route_and_what_is_open(people):
    req = to_awaiting_approval(people, core_customer(people))
    approve(req, people.lead)
    req = TransferRequest.objects.get(pk=req.pk)
    progress = selectors.approval_progress(req)
    assert [p.step for p in progress] == [
        "counter_lead",
        "account_manager",
        "marketing_director",
        "general_manager",
    ]
    assert [p.approval is not None for p in progress] == [True, False, False, False]
    assert [p.is_open for p in progress] == [False, True, False, False]


def test_the_queue_shows_a_director_only_what_waits_for_their_level(people):
    req = to_awaiting_approval(people, people.customer("important"))
    assert req not in selectors.requests_awaiting(people.md)
    assert req in selectors.requests_awaiting(people.lead)
    approve(req, people.lead)
    approve(req, people.am)
    assert req in selectors.requests_awaiting(people.md)
    assert req not in selectors.requests_awaiting(people.lead)
    assert req not in selectors.requests_awaiting(people.gm)


# --- Who may not approve --------------------------------------------------------------


def test_the_clerk_who_received_the_request_cannot_approve_it_even_as_a_lead(people):
    customer = people.customer("ordinary")
    req = services.transfer_request_create(
        customer=customer,
        actor=people.lead,
        wants_sz_transfer=True,
        sz_receiving_broker="某证券",
        sz_receiving_seat="123456",
    )
    kinds = required_documents(customer_kind=customer.kind, by_agent=False)
    services.transfer_documents_verify(request=req, actor=people.lead, checked=kinds)
    services.transfer_reason_record(request=req, actor=people.lead, primary_reason=reason())
    services.transfer_go_on(request=req, actor=people.lead)

    refused(req, people.lead, "self_approval")
    approve(req, people.am)
    assert state_of(req) == S.AWAITING_APPROVAL
    approve(req, person(people, Role.COUNTER_LEAD))
    assert state_of(req) == S.APPROVED


def test_nobody_approves_twice(people):
    req = to_awaiting_approval(people, people.customer("important"))
    approve(req, people.lead)
    refused(req, people.lead, "already_approved")
    assert Approval.objects.filter(request=req, approver=people.lead).count() == 1


def test_a_second_counter_lead_cannot_fill_a_step_already_filled(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approve(req, people.lead)
    refused(req, person(people, Role.COUNTER_LEAD), "already_approved")


def test_an_account_manager_who_is_not_the_customers_own_is_refused(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    refused(req, person(people, Role.ACCOUNT_MANAGER), "not_theirs")


@pytest.mark.parametrize("role", [Role.COUNTER_CLERK, Role.AUDITOR, Role.ARCHIVIST])
def test_roles_outside_the_route_cannot_approve(people, role):
    req = to_awaiting_approval(people, core_customer(people))
    refused(req, person(people, role), "not_in_route")


@pytest.mark.parametrize("who", ["lead", "am", "md", "gm"])
def test_an_approver_of_another_branch_is_refused(people, other_branch, who):
    req = to_awaiting_approval(people, core_customer(people))
    refused(req, getattr(other_branch, who), "not_found")


def test_send_back_makes_earlier_approvals_lapse(people):
    req = to_awaiting_approval(people, people.customer("important"))
    approve(req, people.lead)
    approve(req, people.am)
    services.transfer_send_back(request=req, actor=people.md, comment="请再做一次挽留")
    assert state_of(req) == S.RETENTION
    services.transfer_go_on(request=req, actor=people.clerk)

    refused(req, people.md, "not_yet")  # the round-one approvals no longer count
    approve(req, people.lead)  # the same people approve again in the new round
    approve(req, people.am)
    approve(req, people.md)
    assert state_of(req) == S.APPROVED
    assert Approval.objects.filter(request=req).count() == 5  # the first round stays on record


def test_sending_back_needs_a_reason(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    with pytest.raises(ApplicationError) as caught:
        services.transfer_send_back(request=req, actor=people.lead, comment=" ")
    assert caught.value.code == "invalid"
    assert state_of(req) == S.AWAITING_APPROVAL


# --- Approval by phone (Art. 17) ------------------------------------------------------


def phone(req, people, approver, note="电话请示同意"):
    return services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=approver, note=note
    )


def test_counter_staff_record_a_phone_approval_and_the_request_goes_on(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = phone(req, people, people.lead)
    assert (approval.mode, approval.approver, approval.recorded_by) == (
        ApprovalMode.PHONE,
        people.lead,
        people.clerk,
    )
    assert approval.note == "电话请示同意"
    assert approval.signed_off_at is None
    approve(req, people.am)
    assert state_of(req) == S.APPROVED
    entry = next(e for e in audit_rows(req) if e.action == "phone_approve_counter_lead")
    assert entry.actor_id == people.clerk.pk
    assert str(people.lead) in entry.comment


def test_processing_does_not_wait_for_the_written_sign_off(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    lead_by_phone = phone(req, people, people.lead)
    am_by_phone = phone(req, people, people.am)
    services.transfer_start_processing(request=req, actor=people.clerk)
    assert state_of(req) == S.PROCESSING
    for approval in (lead_by_phone, am_by_phone):
        approval.refresh_from_db()
        assert approval.awaiting_sign_off


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.MARKETING_DIRECTOR, Role.AUDITOR])
def test_only_counter_staff_record_a_phone_approval(people, role):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    recorder = person(people, role)
    with pytest.raises(ApplicationError) as caught:
        services.transfer_record_phone_approval(request=req, actor=recorder, approver=people.lead)
    assert caught.value.code == "forbidden"
    assert not Approval.objects.filter(request=req).exists()


def test_a_phone_approval_follows_the_same_rules_as_one_in_person(people, other_branch):
    req = to_awaiting_approval(people, people.customer("important"))
    for approver, code in [
        (people.md, "not_yet"),
        (person(people, Role.ACCOUNT_MANAGER), "not_theirs"),
        (other_branch.lead, "not_found"),
    ]:
        with pytest.raises(ApplicationError) as caught:
            phone(req, people, approver)
        assert caught.value.code == code
    assert not Approval.objects.filter(request=req).exists()


def _holidays_between(start, end):
    """Weekdays strictly between two dates that are in the exchange-holiday table."""
    day, closed = start + dt.timedelta(days=1), []
    while day < end:
        if day.weekday() < 5:
            closed.append(day)
        day += dt.timedelta(days=1)
    return closed


@pytest.mark.parametrize(
    ("approved_at", "due_on"),
    [
        (beijing(2026, 11, 25, 10, 0), dt.date(2026, 11, 26)),  # Wed → Thu
        (beijing(2026, 11, 27, 10, 0), dt.date(2026, 11, 30)),  # Fri → Mon
        (beijing(2026, 9, 30, 10, 0), dt.date(2026, 10, 8)),  # before National Day
        (beijing(2026, 2, 13, 10, 0), dt.date(2026, 2, 24)),  # before Spring Festival
    ],
)
def test_the_written_sign_off_is_due_on_the_next_trading_day(
    people, frozen_now, approved_at, due_on
):
    # The dates in between are the exchanges' holidays, as seeded from exchange-calendars.
    closed = _holidays_between(approved_at.date(), due_on)
    assert set(ExchangeHoliday.objects.filter(date__in=closed).values_list("date", flat=True)) == (
        set(closed)
    )
    frozen_now.move_to(approved_at)
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = phone(req, people, people.lead)
    assert approval.sign_off_due_on == due_on


def overdue(people, frozen_now, at):
    frozen_now.move_to(at)
    return list(selectors.overdue_sign_offs(branch_id=people.branch.pk, today=beijing_today()))


def test_an_unsigned_phone_approval_is_overdue_only_after_its_due_day_across_a_weekend(
    people, frozen_now
):
    frozen_now.move_to(beijing(2026, 11, 27, 11, 0))  # Friday
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = phone(req, people, people.lead)

    assert overdue(people, frozen_now, beijing(2026, 11, 27, 16, 0)) == []
    assert overdue(people, frozen_now, beijing(2026, 11, 28, 10, 0)) == []  # Saturday
    assert overdue(people, frozen_now, beijing(2026, 11, 29, 10, 0)) == []  # Sunday
    assert overdue(people, frozen_now, beijing(2026, 11, 30, 23, 0)) == []  # Monday, due
    assert overdue(people, frozen_now, beijing(2026, 12, 1, 9, 0)) == [approval]  # Tuesday


def test_an_unsigned_phone_approval_is_overdue_only_after_its_due_day_across_a_holiday(
    people, frozen_now
):
    frozen_now.move_to(beijing(2026, 9, 30, 10, 0))
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = phone(req, people, people.am)

    for day in range(1, 9):  # National Day holidays, the weekend, and the due day itself
        assert overdue(people, frozen_now, beijing(2026, 10, day, 12, 0)) == []
    assert overdue(people, frozen_now, beijing(2026, 10, 9, 9, 0)) == [approval]


def test_a_signed_off_phone_approval_is_no_longer_overdue(people, frozen_now):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = phone(req, people, people.lead)
    assert overdue(people, frozen_now, beijing(2026, 11, 27, 10, 0)) == [approval]

    services.approval_sign_off(approval=approval, actor=people.lead)

    assert overdue(people, frozen_now, beijing(2026, 11, 27, 10, 5)) == []
    approval.refresh_from_db()
    assert approval.signed_off_at is not None
    assert audit_rows(req)[-1].action == "sign_off_counter_lead"


def test_another_branchs_overdue_sign_offs_are_not_listed(people, other_branch, frozen_now):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    phone(req, people, people.lead)
    frozen_now.move_to(beijing(2026, 12, 1, 10, 0))
    assert not selectors.overdue_sign_offs(
        branch_id=other_branch.branch.pk, today=beijing_today()
    ).exists()


@pytest.mark.parametrize("who", ["clerk", "am", "md", "gm"])
def test_only_the_named_approver_signs_off(people, who):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = phone(req, people, people.lead)
    with pytest.raises(ApplicationError) as caught:
        services.approval_sign_off(approval=approval, actor=getattr(people, who))
    assert caught.value.code == "forbidden"
    approval.refresh_from_db()
    assert approval.signed_off_at is None


def test_a_sign_off_is_given_once(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = phone(req, people, people.lead)
    services.approval_sign_off(approval=approval, actor=people.lead)
    with pytest.raises(ApplicationError) as caught:
        services.approval_sign_off(approval=approval, actor=people.lead)
    assert caught.value.code == "already_signed"


def test_an_approval_in_person_needs_no_sign_off(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = approve(req, people.lead)
    assert approval.sign_off_due_on is None
    with pytest.raises(ApplicationError) as caught:
        services.approval_sign_off(approval=approval, actor=people.lead)
    assert caught.value.code == "invalid"


def test_the_lead_who_received_the_request_cannot_approve_it_by_phone_either(people):
    customer = people.customer("ordinary")
    req = services.transfer_request_create(
        customer=customer,
        actor=people.lead,
        wants_sz_transfer=True,
        sz_receiving_broker="某证券",
        sz_receiving_seat="123456",
    )
    kinds = required_documents(customer_kind=customer.kind, by_agent=False)
    services.transfer_documents_verify(request=req, actor=people.lead, checked=kinds)
    services.transfer_reason_record(request=req, actor=people.lead, primary_reason=reason())
    services.transfer_go_on(request=req, actor=people.lead)
    with pytest.raises(ApplicationError) as caught:
        phone(req, people, people.lead)
    assert caught.value.code == "self_approval"
    assert not Approval.objects.filter(request=req).exists()


def test_a_second_director_after_the_last_approval_hears_it_was_already_approved(people):
    req = to_awaiting_approval(people, people.customer("important"))
    for approver in (people.lead, people.am, people.md):
        approve(req, approver)
    assert state_of(req) == S.APPROVED
    refused(req, person(people, Role.MARKETING_DIRECTOR), "already_approved")


def test_only_an_approver_on_the_route_can_send_a_request_back(people):
    from tests.accounts.factories import StaffFactory

    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    # An ordinary customer's route has no director, and another manager's customer is not theirs.
    other_manager = StaffFactory(branch=people.branch, roles=["account_manager"])
    for outsider in (people.md, other_manager):
        with pytest.raises(ApplicationError) as refused:
            services.transfer_send_back(request=req, actor=outsider, comment="资料不清")
        assert refused.value.code == "forbidden"
    req.refresh_from_db()
    assert req.state == TransferState.AWAITING_APPROVAL
    services.transfer_send_back(request=req, actor=people.am, comment="资料不清")
    req.refresh_from_db()
    assert req.state == TransferState.RETENTION
