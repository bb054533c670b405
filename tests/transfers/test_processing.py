"""Processing at the counter (Art. 11–14): the customer's own password, fees and gap-free
receipt numbers. The closure part (Art. 19) is tests/transfers/test_closure.py."""

import contextlib
import datetime as dt
import logging
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.forms.models import model_to_dict

from accounts.norm.resolve import rule_set
from accounts.roles import Role
from kernel.errors import ApplicationError
from kernel.models import CalendarYear, ExchangeHoliday
from notifications.models import Notification
from tests.accounts.factories import TRADING_PASSWORD
from tests.builders import (
    audit_rows,
    person,
    ready_to_close,
    refine,
    set_core_state,
    state_of,
    to_approved,
    to_completed,
    to_processing,
)
from transfers import services
from transfers.models import (
    RetainedDocument,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
)
from transfers.services.processing import required_retained

S = TransferState
BEIJING = ZoneInfo("Asia/Shanghai")
CLOSURE = {"wants_closure": True}
SZ_TRANSFER = {
    "wants_sz_transfer": True,
    "sz_receiving_broker": "某证券",
    "sz_receiving_seat": "123456",
}


def retained_for(req):
    return [str(k) for k in required_retained(req)]


def complete(req, actor):
    return services.transfer_complete(request=req, actor=actor, retained=retained_for(req))


def confirm(req, actor, password=TRADING_PASSWORD):
    return services.transfer_confirm_password(request=req, actor=actor, password=password)


# --- Fees (Art. 12) -------------------------------------------------------------------


def test_closing_an_account_costs_nothing(people):
    req = to_completed(people, ready_to_close(people), **CLOSURE)
    assert req.fee_amount == Decimal("0.00")


def test_a_custody_transfer_carries_the_branchs_fee(people, other_branch):
    refine(people.branch, "fee.sz_transfer", "25.50")
    req = to_completed(people, people.customer("ordinary"), **SZ_TRANSFER)
    assert req.fee_amount == Decimal("25.50")
    assert "25.50" in audit_rows(req)[-1].comment


def test_transfer_and_closure_together_cost_the_transfer_fee_only(people):
    customer = ready_to_close(people, sh_designated_here=True)
    set_core_state(customer, sz_holdings_in_custody=True)
    req = to_completed(people, customer, wants_sh_revocation=True, **SZ_TRANSFER, **CLOSURE)
    assert req.fee_amount == rule_set(people.branch.pk)["fee.sz_transfer"] == Decimal("30")


# --- Receipt numbers ------------------------------------------------------------------


def test_receipt_numbers_run_without_gaps_per_branch(people, other_branch):
    first = to_completed(people, people.customer("ordinary"))
    elsewhere = to_completed(other_branch, other_branch.customer("ordinary"))
    second = to_completed(people, people.customer("ordinary"))
    assert first.receipt_number == "SH01-2026-000001"
    assert second.receipt_number == "SH01-2026-000002"
    assert elsewhere.receipt_number == "BJ02-2026-000001"


def test_receipt_numbers_restart_in_a_new_year(people, frozen_now):
    # 2027's holidays entered by hand, as the admin does once the exchanges announce them.
    CalendarYear.objects.create(year=2027, source="admin")
    ExchangeHoliday.objects.create(date=dt.date(2027, 1, 1), name="元旦")
    last_of_year = to_completed(people, people.customer("ordinary"))
    waiting = to_processing(people, people.customer("ordinary"))

    frozen_now.move_to(dt.datetime(2027, 1, 4, 10, 0, tzinfo=BEIJING))
    confirm(waiting, people.clerk)
    first_of_year = complete(waiting, people.clerk)

    assert last_of_year.receipt_number == "SH01-2026-000001"
    assert first_of_year.receipt_number == "SH01-2027-000001"


def test_a_failed_completion_leaves_no_gap(people):
    processing = to_processing(people, people.customer("ordinary"))
    approved = to_approved(people, people.customer("ordinary"))
    confirm(processing, people.clerk)

    attempts = [
        lambda: complete(approved, people.clerk),  # not processing yet
        lambda: complete(processing, people.auditor),  # not counter staff
        lambda: services.transfer_complete(request=processing, actor=people.clerk, retained=[]),
    ]
    for attempt in attempts:
        with pytest.raises(ApplicationError):
            attempt()
    assert not TransferRequest.objects.exclude(receipt_number=None).exists()

    assert complete(processing, people.clerk).receipt_number == "SH01-2026-000001"
    services.transfer_start_processing(request=approved, actor=people.clerk)
    confirm(approved, people.clerk)
    assert complete(approved, people.clerk).receipt_number == "SH01-2026-000002"


def test_completion_records_what_the_branch_keeps(people):
    customer = people.institution()
    people.book_appointment(customer, booked_on=dt.date(2026, 11, 24))
    req = to_processing(people, customer)
    confirm(req, people.clerk)
    with pytest.raises(ApplicationError) as caught:
        services.transfer_complete(
            request=req,
            actor=people.clerk,
            retained=[RetainedDocument.FORM_ORIGINAL, RetainedDocument.IDENTITY_COPY],
        )
    assert caught.value.code == "retained_missing"
    assert str(RetainedDocument.AUTHORISATION_COPY.label) in caught.value.message
    assert state_of(req) == S.PROCESSING

    done = complete(req, people.clerk)
    assert sorted(done.retained_documents) == sorted(str(k) for k in RetainedDocument)
    assert (done.completed_by, done.state) == (people.clerk, S.COMPLETED)


# --- The customer's password (Art. 11; conduct rules Q2, Q3) ----------------------------


def wrong(req, people, password="111111"):
    with pytest.raises(ApplicationError) as caught:
        confirm(req, people.clerk, password)
    return caught.value


def test_a_wrong_password_counts_down_and_the_count_survives_the_error(people):
    req = to_processing(people, people.customer("ordinary"))
    for attempt in range(1, 5):
        error = wrong(req, people)
        assert error.code == "wrong_password"
        assert str(5 - attempt) in error.message
        fresh = TransferRequest.objects.get(pk=req.pk)
        assert (fresh.password_failures, fresh.state) == (attempt, S.PROCESSING)
        assert fresh.password_confirmed_at is None


def test_five_wrong_passwords_lock_the_request_and_tell_the_directors_and_the_customer(
    people, other_branch
):
    second_director = person(people, Role.MARKETING_DIRECTOR)
    req = to_processing(people, people.customer("ordinary"))
    # The approvers and the clerk were told on the way here (services/notices.py).
    earlier = Notification.objects.values_list("pk", flat=True)
    since_processing = Notification.objects.exclude(pk__in=list(earlier))
    for _try in range(4):
        wrong(req, people)
    assert not since_processing.exists()

    error = wrong(req, people)

    assert error.code == "password_locked"
    assert "marketing director" in error.message
    fresh = TransferRequest.objects.get(pk=req.pk)
    assert (fresh.state, fresh.password_failures) == (S.PASSWORD_LOCKED, 5)
    told = sorted(since_processing.values_list("recipient_id", flat=True))
    assert told == sorted([people.md.pk, second_director.pk])  # not the leads, who may type
    assert str(req.pk) in since_processing.first().subject
    lock, notice = audit_rows(req)[-2:]
    assert (lock.action, lock.to_state) == ("lock_password", S.PASSWORD_LOCKED)
    assert notice.action == "customer_told_locked"
    assert f"#{req.pk}" in notice.comment and "wrong trading passwords" in notice.comment


def test_a_locked_request_refuses_even_the_right_password(people):
    req = to_processing(people, people.customer("ordinary"))
    for _try in range(5):
        wrong(req, people)
    with pytest.raises(ApplicationError) as caught:
        confirm(req, people.clerk)
    assert caught.value.code == "invalid_state"
    assert TransferRequest.objects.get(pk=req.pk).password_confirmed_at is None


def locked(req, people, by=None):
    for _try in range(5):
        with pytest.raises(ApplicationError):
            confirm(req, by or people.clerk, "111111")
    assert state_of(req) == S.PASSWORD_LOCKED


def unlock(req, actor, comment="本人到场，核对身份证"):
    return services.transfer_unlock_password(request=req, actor=actor, comment=comment)


def refused_unlock(req, actor, comment="本人到场，核对身份证"):
    with pytest.raises(ApplicationError) as caught:
        unlock(req, actor, comment)
    assert state_of(req) == S.PASSWORD_LOCKED
    return caught.value


def test_the_counter_lead_cannot_unlock_a_password_lock(people):
    req = to_processing(people, people.customer("ordinary"))
    locked(req, people)
    for staff in (people.lead, people.clerk, people.gm, people.am):
        error = refused_unlock(req, staff)
        assert error.code == "forbidden"
        assert "marketing director" in error.message
    assert "unlock_password" not in [e.action for e in audit_rows(req)]


def test_the_director_unlocks_with_a_comment_and_the_customer_tries_again(people):
    req = to_processing(people, people.customer("ordinary"))
    locked(req, people)
    unlock(req, people.md, "  本人到场，核对身份证  ")
    fresh = TransferRequest.objects.get(pk=req.pk)
    assert (fresh.state, fresh.password_failures) == (S.PROCESSING, 0)
    entry = audit_rows(req)[-1]
    assert (entry.action, entry.actor_id, entry.comment) == (
        "unlock_password",
        people.md.pk,
        "本人到场，核对身份证",
    )
    confirm(req, people.clerk)
    assert complete(req, people.clerk).state == S.COMPLETED


@pytest.mark.parametrize("comment", ["", "   "])
def test_an_unlock_without_a_comment_is_refused(people, comment):
    req = to_processing(people, people.customer("ordinary"))
    locked(req, people)
    error = refused_unlock(req, people.md, comment)
    assert error.code == "comment_needed"
    assert "identity" in error.message


def test_a_third_unlock_is_refused_and_the_request_can_only_be_refused(people):
    req = to_processing(people, people.customer("ordinary"))
    for _unlock in range(2):
        locked(req, people)
        unlock(req, people.md)
    for _try in range(4):
        wrong(req, people)
    last = wrong(req, people)
    assert last.code == "password_locked" and "cannot be unlocked again" in last.message

    error = refused_unlock(req, person(people, Role.MARKETING_DIRECTOR))
    assert error.code == "unlock_limit"
    assert "Refuse it" in error.message
    assert [e.action for e in audit_rows(req)].count("unlock_password") == 2

    services.transfer_refuse(request=req, actor=people.clerk, reason="密码错误次数过多")
    assert state_of(req) == S.REFUSED


def test_a_director_who_typed_a_wrong_password_cannot_unlock_it(people):
    # A director who also works the counter was at the keypad for one of the wrong tries.
    typist = person(people, Role.MARKETING_DIRECTOR, Role.COUNTER_LEAD)
    req = to_processing(people, people.customer("ordinary"))
    with pytest.raises(ApplicationError):
        confirm(req, typist, "111111")
    for _try in range(4):
        wrong(req, people)
    assert state_of(req) == S.PASSWORD_LOCKED

    error = refused_unlock(req, typist)
    assert error.code == "own_wrong_tries"
    unlock(req, people.md)  # another director, who typed nothing
    assert state_of(req) == S.PROCESSING


def test_every_lock_is_told_to_the_director_and_the_customer(people):
    req = to_processing(people, people.customer("ordinary"))
    locked(req, people)
    unlock(req, people.md)
    locked(req, people)
    actions = [e.action for e in audit_rows(req)]
    assert actions.count("lock_password") == actions.count("customer_told_locked") == 2
    to_director = Notification.objects.filter(recipient=people.md, subject__contains="locked")
    assert to_director.count() == 2


@pytest.mark.parametrize(
    "role", [Role.ACCOUNT_MANAGER, Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER, Role.AUDITOR]
)
def test_only_counter_staff_take_the_customers_password(people, role):
    req = to_processing(people, people.customer("ordinary"))
    for password in ("111111", TRADING_PASSWORD):
        with pytest.raises(ApplicationError) as caught:
            confirm(req, person(people, role), password)
        assert caught.value.code == "forbidden"
    fresh = TransferRequest.objects.get(pk=req.pk)
    assert (fresh.password_failures, fresh.password_confirmed_at) == (0, None)
    assert [e.action for e in audit_rows(req)][-1] == "start_processing"


def test_the_password_is_never_stored_or_written_anywhere(people, caplog):
    typed = ["wrong-pw-7319", "wrong-pw-8842"]
    req = to_processing(people, people.customer("ordinary"))
    with caplog.at_level(logging.DEBUG):
        for password in typed:
            with contextlib.suppress(ApplicationError):
                confirm(req, people.clerk, password)
        confirm(req, people.clerk)
        complete(req, people.clerk)

    row = TransferRequest.objects.filter(pk=req.pk).values().get()
    stored = [str(v) for v in row.values()]
    stored += [
        str(v)
        for entry in TransferAuditEntry.objects.filter(request=req)
        for v in model_to_dict(entry).values()
    ]
    stored += [n.subject + n.body for n in Notification.objects.all()]
    for password in [*typed, TRADING_PASSWORD]:
        assert not any(password in text for text in stored), password
        assert password not in caplog.text


# --- Role checks before processing ------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.GENERAL_MANAGER, Role.AUDITOR])
def test_only_counter_staff_start_processing_even_when_a_condition_appears(people, role):
    customer = people.customer("ordinary")
    req = to_approved(people, customer)
    set_core_state(customer, open_bond_repo=True)
    before = len(audit_rows(req))
    with pytest.raises(ApplicationError) as caught:
        services.transfer_start_processing(request=req, actor=person(people, role))
    assert caught.value.code == "forbidden"
    assert state_of(req) == S.APPROVED
    assert len(audit_rows(req)) == before
