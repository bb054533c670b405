"""The request's state machine (Art. 4, 8–15): who may take each step, from which state,
what the audit trail records, and the customer's rights (never forced retention)."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from accounts.roles import Role
from kernel.calendar import TradingCalendar, beijing_today
from kernel.errors import ApplicationError
from tests.accounts.factories import TRADING_PASSWORD
from tests.builders import (
    approvers_for,
    audit_rows,
    new_request,
    person,
    reason,
    set_core_state,
    state_of,
    to_awaiting_approval,
    to_state,
)
from transfers import selectors, services
from transfers.models import (
    DocumentCheck,
    DocumentKind,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
)
from transfers.services.processing import required_retained

S = TransferState
BEIJING = ZoneInfo("Asia/Shanghai")
CLIENT_IP = "10.20.30.40"
FOLLOW_UP = dt.date(2026, 12, 10)


def beijing(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


# --- The transition table --------------------------------------------------------------
# name: (state it starts from, state it leads to, the call, text the audit comment carries)


def _verify(req, actor, ip=None):
    kinds = [DocumentKind.IDENTITY, DocumentKind.SECURITIES_CARD, DocumentKind.FUND_CARD]
    return services.transfer_documents_verify(request=req, actor=actor, checked=kinds, client_ip=ip)


def _refuse(req, actor, ip=None):
    return services.transfer_refuse(request=req, actor=actor, reason="身份证已过期", client_ip=ip)


def _record_reason(req, actor, ip=None):
    return services.transfer_reason_record(
        request=req, actor=actor, primary_reason=reason("commission"), client_ip=ip
    )


def _go_on(req, actor, ip=None):
    return services.transfer_go_on(request=req, actor=actor, comment="客户坚持办理", client_ip=ip)


def _stays(req, actor, ip=None):
    return services.transfer_customer_stays(
        request=req, actor=actor, comment="客户决定留下", client_ip=ip
    )


def _defer(req, actor, ip=None):
    return services.transfer_defer(
        request=req, actor=actor, follow_up_on=FOLLOW_UP, comment="先体验一个月", client_ip=ip
    )


def _resume(req, actor, ip=None):
    return services.transfer_resume(request=req, actor=actor, comment="客户回来了", client_ip=ip)


def _send_back(req, actor, ip=None):
    return services.transfer_send_back(
        request=req, actor=actor, comment="原因记录不清", client_ip=ip
    )


def _start(req, actor, ip=None):
    return services.transfer_start_processing(request=req, actor=actor, client_ip=ip)


def _unlock(req, actor, ip=None):
    return services.transfer_unlock_password(
        request=req, actor=actor, comment="核实为本人", client_ip=ip
    )


def _complete(req, actor, ip=None):
    retained = [str(k) for k in required_retained(req)]
    return services.transfer_complete(request=req, actor=actor, retained=retained, client_ip=ip)


def _recheck(req, actor, ip=None):
    return services.transfer_recheck(request=req, actor=actor, client_ip=ip)


def _prepare_complete(people, req):
    services.transfer_confirm_password(request=req, actor=people.clerk, password=TRADING_PASSWORD)


def _prepare_recheck(people, req):
    set_core_state(req.customer, open_bond_repo=False)


TRANSITIONS = {
    "verify_documents": (
        S.RECEIVED,
        S.DOCUMENTS_VERIFIED,
        _verify,
        lambda: str(DocumentKind.IDENTITY.label),
        None,
    ),
    "refuse": (S.RECEIVED, S.REFUSED, _refuse, "身份证已过期", None),
    "record_reason": (
        S.DOCUMENTS_VERIFIED,
        S.RETENTION,
        _record_reason,
        lambda: reason("commission").name,
        None,
    ),
    "go_on": (S.RETENTION, S.AWAITING_APPROVAL, _go_on, "客户坚持办理", None),
    "customer_stays": (S.RETENTION, S.WITHDRAWN, _stays, "客户决定留下", None),
    "defer": (S.AWAITING_APPROVAL, S.DEFERRED, _defer, "2026-12-10", None),
    "resume": (S.DEFERRED, S.AWAITING_APPROVAL, _resume, "客户回来了", None),
    "send_back": (S.AWAITING_APPROVAL, S.RETENTION, _send_back, "原因记录不清", None),
    "start_processing": (S.APPROVED, S.PROCESSING, _start, "", None),
    "unlock_password": (S.PASSWORD_LOCKED, S.PROCESSING, _unlock, "核实为本人", None),
    "complete": (S.PROCESSING, S.COMPLETED, _complete, "2026-000001", _prepare_complete),
    "recheck": (S.BLOCKED, S.APPROVED, _recheck, "", _prepare_recheck),
}

COUNTER_ONLY = [
    "verify_documents",
    "refuse",
    "record_reason",
    "go_on",
    "customer_stays",
    "defer",
    "resume",
    "start_processing",
    "complete",
    "recheck",
]
NOT_COUNTER = [
    Role.ACCOUNT_MANAGER,
    Role.MARKETING_DIRECTOR,
    Role.GENERAL_MANAGER,
    Role.AUDITOR,
    Role.ARCHIVIST,
]


def staff_with(people, role):
    return {
        Role.COUNTER_CLERK: people.clerk,
        Role.COUNTER_LEAD: people.lead,
        Role.ACCOUNT_MANAGER: people.am,
        Role.MARKETING_DIRECTOR: people.md,
        Role.GENERAL_MANAGER: people.gm,
        Role.AUDITOR: people.auditor,
    }.get(role) or person(people, role)


def ready(people, name):
    source, _target, _call, _comment, prepare = TRANSITIONS[name]
    req = to_state(people, source)
    if prepare is not None:
        prepare(people, req)
    return TransferRequest.objects.get(pk=req.pk)


def assert_refused(req, call, code):
    before_state = state_of(req)
    before_audit = [e.pk for e in audit_rows(req)]
    with pytest.raises(ApplicationError) as caught:
        call()
    assert caught.value.code == code
    assert str(caught.value)
    assert state_of(req) == before_state
    assert [e.pk for e in audit_rows(req)] == before_audit
    return caught.value


@pytest.mark.parametrize("role", [Role.COUNTER_CLERK, Role.COUNTER_LEAD])
@pytest.mark.parametrize("name", COUNTER_ONLY)
def test_counter_staff_take_the_counter_transitions(people, name, role):
    req = ready(people, name)
    _source, target, call, _comment, _prepare = TRANSITIONS[name]
    call(req, staff_with(people, role))
    assert state_of(req) == target


@pytest.mark.parametrize("role", NOT_COUNTER)
@pytest.mark.parametrize("name", COUNTER_ONLY)
def test_counter_transitions_are_refused_to_other_roles(people, name, role):
    req = ready(people, name)
    call = TRANSITIONS[name][2]
    assert_refused(req, lambda: call(req, staff_with(people, role)), "forbidden")


def test_only_the_marketing_director_unlocks_a_password_lock(people):
    req = ready(people, "unlock_password")
    others = [Role.COUNTER_CLERK, Role.COUNTER_LEAD, *NOT_COUNTER]
    for role in [r for r in others if r != Role.MARKETING_DIRECTOR]:
        assert_refused(req, lambda role=role: _unlock(req, staff_with(people, role)), "forbidden")
    _unlock(req, people.md)
    assert state_of(req) == S.PROCESSING


@pytest.mark.parametrize(
    "role",
    [Role.COUNTER_LEAD, Role.ACCOUNT_MANAGER, Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER],
)
def test_approvers_on_the_route_send_a_request_back(people, role):
    # A core customer's route holds every approver role.
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=dt.date(2026, 11, 24))
    req = to_state(people, S.AWAITING_APPROVAL, customer)
    _send_back(req, staff_with(people, role))
    assert state_of(req) == S.RETENTION


@pytest.mark.parametrize("role", [Role.COUNTER_CLERK, Role.AUDITOR, Role.ARCHIVIST])
def test_send_back_is_refused_to_those_who_do_not_approve(people, role):
    req = ready(people, "send_back")
    assert_refused(req, lambda: _send_back(req, staff_with(people, role)), "forbidden")


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_every_transition_writes_exactly_one_audit_row(people, name):
    source, target, call, comment, _prepare = TRANSITIONS[name]
    actor = {"unlock_password": people.md, "send_back": people.lead}.get(name, people.clerk)
    req = ready(people, name)
    before = [e.pk for e in audit_rows(req)]

    call(req, actor, CLIENT_IP)

    new = [e for e in audit_rows(req) if e.pk not in before]
    assert len(new) == 1
    entry = new[0]
    assert (entry.actor_id, entry.from_state, entry.to_state) == (actor.pk, source, target)
    assert entry.client_ip == CLIENT_IP
    assert (comment() if callable(comment) else comment) in entry.comment
    assert entry.at is not None


def test_the_audit_trail_of_a_completed_request_is_one_unbroken_chain(people):
    req = to_state(people, S.COMPLETED)
    entries = audit_rows(req)
    assert [e.action for e in entries] == [
        "create",
        "verify_documents",
        "record_reason",
        "go_on",
        "approve_counter_lead",
        "approve_account_manager",
        "clear",
        "start_processing",
        "password_confirmed",
        "complete",
    ]
    assert entries[0].to_state == S.RECEIVED
    for earlier, later in itertools.pairwise(entries):
        assert later.from_state == earlier.to_state
    assert entries[-1].to_state == S.COMPLETED


WRONG_STATES = [
    ("go_on", S.DOCUMENTS_VERIFIED),  # going on before the reason is recorded
    ("go_on", S.RECEIVED),
    ("record_reason", S.RECEIVED),  # the reason comes after the documents
    ("verify_documents", S.RETENTION),
    ("refuse", S.AWAITING_APPROVAL),
    ("defer", S.RECEIVED),
    ("resume", S.AWAITING_APPROVAL),
    ("send_back", S.APPROVED),
    ("start_processing", S.AWAITING_APPROVAL),
    ("start_processing", S.BLOCKED),
    ("start_processing", S.DEFERRED),
    ("complete", S.APPROVED),
    ("unlock_password", S.PROCESSING),
    ("recheck", S.APPROVED),
    ("customer_stays", S.COMPLETED),
    ("customer_stays", S.REFUSED),
    ("go_on", S.WITHDRAWN),
]


@pytest.mark.parametrize(("name", "state"), WRONG_STATES)
def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(people, name, state):
    actor = {"unlock_password": people.md, "send_back": people.lead}.get(name, people.clerk)
    req = to_state(people, state)
    call = TRANSITIONS[name][2]
    assert_refused(req, lambda: call(req, actor), "invalid_state")


def test_approving_is_refused_outside_awaiting_approval(people):
    req = to_state(people, S.RETENTION)
    assert_refused(
        req, lambda: services.transfer_approve(request=req, actor=people.lead), "invalid_state"
    )
    assert not req.approvals.exists()


def test_completing_without_the_customers_password_is_refused(people):
    req = to_state(people, S.PROCESSING)
    assert_refused(req, lambda: _complete(req, people.clerk), "password_needed")
    req.refresh_from_db()
    assert req.receipt_number is None
    assert req.completed_at is None


def test_staff_of_another_branch_cannot_touch_the_request(people, other_branch):
    req = to_state(people, S.RETENTION)
    assert_refused(req, lambda: _go_on(req, other_branch.clerk), "not_found")
    assert_refused(req, lambda: _stays(req, other_branch.lead), "not_found")


def test_the_state_field_cannot_be_set_by_hand(people):
    req = to_state(people, S.AWAITING_APPROVAL)
    with pytest.raises(AttributeError):
        req.state = S.APPROVED
    assert state_of(req) == S.AWAITING_APPROVAL


def test_an_audit_row_cannot_be_changed_or_deleted_through_the_model(people):
    req = to_state(people, S.RETENTION)
    entry = audit_rows(req)[-1]
    entry.comment = "改过的记录"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    fresh = TransferAuditEntry.objects.get(pk=entry.pk)
    assert fresh.comment != "改过的记录"


@pytest.mark.parametrize("how", ["update", "delete"])
def test_an_audit_row_cannot_be_changed_or_deleted_through_a_queryset(people, how):
    req = to_state(people, S.RETENTION)
    rows = TransferAuditEntry.objects.filter(request=req)
    before = list(rows.values_list("pk", "comment"))
    with pytest.raises((PermissionError, IntegrityError, ApplicationError)):
        if how == "update":
            rows.update(comment="改过的记录")
        else:
            rows.delete()
    assert list(rows.values_list("pk", "comment")) == before


# --- The customer's rights: retention never becomes forced retention ---------------------


@pytest.mark.parametrize("tier", ["ordinary", "important", "core", "institution"])
def test_the_customer_can_always_go_on_from_the_retention_talk(people, tier):
    customer = people.institution() if tier == "institution" else people.customer(tier)
    if customer.approval_tier == "core":
        people.book_appointment(customer, booked_on=dt.date(2026, 11, 24))
    # Whatever holds the account, it does not hold the customer in the retention talk.
    set_core_state(customer, open_bond_repo=True, last_order_date=beijing_today())
    req = to_state(people, S.RETENTION, customer)
    services.transfer_reason_record(
        request=req, actor=people.clerk, primary_reason=reason("competition"), note="改了原因"
    )
    _go_on(req, people.clerk)
    assert state_of(req) == S.AWAITING_APPROVAL


@pytest.mark.parametrize(
    "state",
    [
        S.RECEIVED,
        S.DOCUMENTS_VERIFIED,
        S.RETENTION,
        S.AWAITING_APPROVAL,
        S.APPROVED,
        S.BLOCKED,
        S.DEFERRED,
    ],
)
def test_the_customer_can_stay_at_any_point_before_processing(people, state):
    req = to_state(people, state)
    _stays(req, people.clerk)
    req.refresh_from_db()
    assert req.state == S.WITHDRAWN
    assert req.ended_at is not None


@pytest.mark.parametrize("days_ahead", [0, -1])
def test_deferral_needs_a_follow_up_date_in_the_future(people, days_ahead):
    req = to_state(people, S.RETENTION)
    follow_up = beijing_today() + dt.timedelta(days=days_ahead)
    call = lambda: services.transfer_defer(  # noqa: E731
        request=req, actor=people.clerk, follow_up_on=follow_up
    )
    assert_refused(req, call, "invalid")
    assert TransferRequest.objects.get(pk=req.pk).follow_up_on is None


def test_deferral_records_the_follow_up_date(people):
    req = to_state(people, S.RETENTION)
    services.transfer_defer(request=req, actor=people.clerk, follow_up_on=dt.date(2026, 11, 26))
    req.refresh_from_db()
    assert (req.state, req.follow_up_on) == (S.DEFERRED, dt.date(2026, 11, 26))


def test_deferral_lapses_the_approvals_given_so_far(people):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    services.transfer_approve(request=req, actor=people.lead)
    _defer(req, people.clerk)
    _resume(req, people.clerk)

    # The lead's earlier yes no longer counts: the account manager alone does not finish it.
    services.transfer_approve(request=req, actor=people.am)
    assert state_of(req) == S.AWAITING_APPROVAL
    req = TransferRequest.objects.get(pk=req.pk)
    progress = {p.step: p.approval for p in selectors.approval_progress(req)}
    assert progress["counter_lead"] is None
    services.transfer_approve(request=req, actor=people.lead)
    assert state_of(req) == S.APPROVED


def test_resuming_restarts_the_two_trading_day_clock(people, frozen_now):
    req = to_state(people, S.DEFERRED)
    assert req.due_on == dt.date(2026, 11, 27)  # Wed + 2 trading days
    frozen_now.move_to(beijing(2026, 12, 1, 10, 0))  # a Tuesday
    _resume(req, people.clerk)
    req.refresh_from_db()
    assert req.due_on == dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("received_at", "due_on"),
    [
        (beijing(2026, 11, 25, 10, 0), dt.date(2026, 11, 27)),  # Wed → Fri
        (beijing(2026, 11, 26, 10, 0), dt.date(2026, 11, 30)),  # Thu → over the weekend → Mon
        (beijing(2026, 11, 25, 15, 30), dt.date(2026, 11, 30)),  # after the close: counts Thu
        (beijing(2026, 9, 24, 10, 0), dt.date(2026, 9, 29)),  # over Mid-Autumn (Fri 25th)
        (beijing(2026, 9, 29, 10, 0), dt.date(2026, 10, 8)),  # over National Day
    ],
)
def test_a_request_is_due_two_trading_days_after_reception(people, frozen_now, received_at, due_on):
    frozen_now.move_to(received_at)
    req = new_request(people, people.customer("ordinary"))
    assert req.due_on == due_on


def test_a_request_is_flagged_late_once_its_due_day_has_passed(people, frozen_now):
    req = to_state(people, S.AWAITING_APPROVAL)  # received Wed 2026-11-25, due Fri 11-27
    calendar = TradingCalendar()

    def days_left_and_late(now):
        frozen_now.move_to(now)
        today = beijing_today()
        late = selectors.late_requests(branch_id=people.branch.pk, today=today)
        return selectors.trading_days_left(req, today=today, calendar=calendar), req in late

    assert days_left_and_late(beijing(2026, 11, 25, 10, 0)) == (2, False)
    assert days_left_and_late(beijing(2026, 11, 26, 14, 0)) == (1, False)
    assert days_left_and_late(beijing(2026, 11, 27, 16, 0)) == (0, False)  # due today
    assert days_left_and_late(beijing(2026, 11, 28, 10, 0))[1] is True  # Saturday: past due
    assert days_left_and_late(beijing(2026, 11, 30, 10, 0)) == (-1, True)


def test_a_deferred_or_ended_request_is_not_running_late(people):
    deferred = to_state(people, S.DEFERRED)
    completed = to_state(people, S.COMPLETED)
    late_day = dt.date(2026, 12, 15)
    late = selectors.late_requests(branch_id=people.branch.pk, today=late_day)
    assert deferred not in late and completed not in late
    for req in (deferred, completed):
        assert selectors.trading_days_left(req, today=late_day, calendar=TradingCalendar()) is None


# --- Documents (Art. 4, 8(2)) -----------------------------------------------------------

THREE_CERTIFICATES = [DocumentKind.IDENTITY, DocumentKind.SECURITIES_CARD, DocumentKind.FUND_CARD]
INSTITUTION_EXTRA = [DocumentKind.LEGAL_PERSON_AUTHORISATION, DocumentKind.BUSINESS_LICENCE]
AGENT_EXTRA = [DocumentKind.AGENT_IDENTITY, DocumentKind.POWER_OF_ATTORNEY]


def _request_for(people, *, institution, by_agent):
    customer = people.institution() if institution else people.customer("ordinary")
    if institution:
        people.book_appointment(customer, booked_on=dt.date(2026, 11, 24))
    agent = {"by_agent": True, "agent_name": "李四", "agent_id_number": "31010119800101123X"}
    items = {
        "wants_sz_transfer": True,
        "sz_receiving_broker": "某证券",
        "sz_receiving_seat": "123456",
    }
    return new_request(people, customer, **items, **(agent if by_agent else {}))


@pytest.mark.parametrize(
    ("institution", "by_agent", "needed"),
    [
        (False, False, THREE_CERTIFICATES),
        (True, False, THREE_CERTIFICATES + INSTITUTION_EXTRA),
        (False, True, THREE_CERTIFICATES + AGENT_EXTRA),
        (True, True, THREE_CERTIFICATES + INSTITUTION_EXTRA + AGENT_EXTRA),
    ],
)
def test_each_required_document_is_needed_and_named_when_missing(
    people, institution, by_agent, needed
):
    req = _request_for(people, institution=institution, by_agent=by_agent)
    for missing in needed:
        checked = [k for k in needed if k != missing]
        error = assert_refused(
            req,
            lambda checked=checked: services.transfer_documents_verify(
                request=req, actor=people.clerk, checked=checked
            ),
            "documents_missing",
        )
        assert str(missing.label) in error.message
        assert error.details["missing"] == [str(missing)]
        assert not DocumentCheck.objects.filter(request=req).exists()

    services.transfer_documents_verify(request=req, actor=people.clerk, checked=needed)
    assert state_of(req) == S.DOCUMENTS_VERIFIED
    assert set(DocumentCheck.objects.filter(request=req).values_list("kind", flat=True)) == {
        str(k) for k in needed
    }


def test_an_institution_with_only_the_three_certificates_is_told_both_missing_papers(people):
    req = _request_for(people, institution=True, by_agent=False)
    error = assert_refused(
        req,
        lambda: services.transfer_documents_verify(
            request=req, actor=people.clerk, checked=THREE_CERTIFICATES
        ),
        "documents_missing",
    )
    for kind in INSTITUTION_EXTRA:
        assert str(kind.label) in error.message
    assert sorted(error.details["missing"]) == sorted(str(k) for k in INSTITUTION_EXTRA)


def test_an_agent_must_be_named_with_an_identity_number(people):
    customer = people.customer("ordinary")
    with pytest.raises(ApplicationError) as caught:
        new_request(
            people,
            customer,
            wants_sz_transfer=True,
            sz_receiving_broker="某证券",
            sz_receiving_seat="123456",
            by_agent=True,
            agent_name="李四",
        )
    assert caught.value.code == "invalid"
    assert not TransferRequest.objects.filter(customer=customer).exists()


@pytest.mark.parametrize("why", ["", "   "])
def test_refusing_a_request_needs_a_reason(people, why):
    req = to_state(people, S.RECEIVED)
    call = lambda: services.transfer_refuse(request=req, actor=people.clerk, reason=why)  # noqa: E731
    assert_refused(req, call, "invalid")


def test_a_refused_request_keeps_its_reason(people):
    req = to_state(people, S.DOCUMENTS_VERIFIED)
    services.transfer_refuse(request=req, actor=people.clerk, reason="非客户本人或授权代理人")
    req.refresh_from_db()
    assert (req.state, req.refusal_reason) == (S.REFUSED, "非客户本人或授权代理人")


def test_the_last_approval_clears_the_request_in_the_same_step(people):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    for approver in approvers_for(people, customer):
        services.transfer_approve(request=req, actor=approver, client_ip=CLIENT_IP)
    last_two = audit_rows(req)[-2:]
    assert [e.action for e in last_two] == ["approve_account_manager", "clear"]
    assert (last_two[1].from_state, last_two[1].to_state) == (S.AWAITING_APPROVAL, S.APPROVED)
    assert last_two[1].actor_id == people.am.pk
    assert last_two[1].client_ip == CLIENT_IP


# --- Reception: what the customer asks for ----------------------------------------------


@pytest.mark.parametrize(
    ("customer_fields", "items"),
    [
        ({}, {}),  # asks for nothing
        ({}, {"wants_sz_transfer": True}),  # no receiving broker and seat
        ({}, {"wants_sz_transfer": True, "sz_receiving_broker": "某证券"}),
        ({"sz_account": ""}, {"wants_sz_transfer": True, **{"sz_receiving_broker": "某证券"}}),
        ({"sh_designated_here": False}, {"wants_sh_revocation": True}),
    ],
    ids=["nothing", "no-broker-no-seat", "no-seat", "no-sz-account", "sh-not-designated-here"],
)
def test_a_request_that_cannot_be_carried_out_is_not_opened(people, customer_fields, items):
    customer = people.customer("ordinary", **customer_fields)
    with pytest.raises(ApplicationError) as caught:
        services.transfer_request_create(customer=customer, actor=people.clerk, **items)
    assert caught.value.code == "invalid"
    assert not TransferRequest.objects.filter(customer=customer).exists()


def test_a_request_asks_for_any_combination(people):
    customer = people.customer("ordinary")
    req = services.transfer_request_create(
        customer=customer,
        actor=people.clerk,
        wants_sz_transfer=True,
        sz_receiving_broker=" 某证券 ",
        sz_receiving_seat="123456",
        wants_sh_revocation=True,
        wants_closure=True,
        client_ip=CLIENT_IP,
    )
    assert (req.wants_sz_transfer, req.wants_sh_revocation, req.wants_closure) == (True,) * 3
    assert (req.sz_receiving_broker, req.sz_receiving_seat) == ("某证券", "123456")
    entry = audit_rows(req)[0]
    assert (entry.action, entry.to_state, entry.actor_id, entry.client_ip) == (
        "create",
        S.RECEIVED,
        people.clerk.pk,
        CLIENT_IP,
    )


def test_a_customer_has_one_open_request_at_a_time(people):
    customer = people.customer("ordinary")
    first = to_state(people, S.DEFERRED, customer)
    with pytest.raises(ApplicationError) as caught:
        new_request(people, customer)
    assert caught.value.code == "duplicate"
    assert caught.value.details["request"] == first.pk

    _stays(first, people.clerk)
    assert new_request(people, customer).state == S.RECEIVED


@pytest.mark.parametrize("role", NOT_COUNTER)
def test_only_counter_staff_open_a_request(people, role):
    customer = people.customer("ordinary")
    with pytest.raises(ApplicationError) as caught:
        services.transfer_request_create(
            customer=customer,
            actor=staff_with(people, role),
            wants_sz_transfer=True,
            sz_receiving_broker="某证券",
            sz_receiving_seat="123456",
        )
    assert caught.value.code == "forbidden"
    assert not TransferRequest.objects.filter(customer=customer).exists()


def test_another_branchs_customer_cannot_be_served(people, other_branch):
    customer = other_branch.customer("ordinary")
    with pytest.raises(ApplicationError) as caught:
        new_request(people, customer)
    assert caught.value.code == "not_found"


# The append-only trigger is PostgreSQL's; SQLite relies on the ORM guard. Skipped at
# collection there (tests/conftest.py), before the transactional fixture could start and
# flush the shared SQLite test database at teardown.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("statement", ["UPDATE {t} SET comment = 'x'", "DELETE FROM {t}"])
def test_the_audit_trail_refuses_sql_changes_in_postgresql(seeded_calendar, statement):
    from django.db import DatabaseError, connection, transaction

    from tests.builders import make_branch

    people = make_branch()
    req = to_state(people, S.RETENTION)
    table = TransferAuditEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(t=table))
    assert TransferAuditEntry.objects.filter(request=req).count() == len(audit_rows(req))


def test_a_request_due_on_friday_shows_late_on_saturday(people, frozen_now):
    from zoneinfo import ZoneInfo

    from kernel.calendar import TradingCalendar
    from transfers.selectors import late_requests, trading_days_left

    req = to_state(people, S.RETENTION)  # received Wed 2026-11-25: due Fri 11-27
    assert req.due_on == dt.date(2026, 11, 27)
    frozen_now.move_to(dt.datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    saturday = dt.date(2026, 11, 28)
    assert trading_days_left(req, today=saturday, calendar=TradingCalendar()) == -1
    assert list(late_requests(branch_id=people.branch.pk, today=saturday)) == [req]
