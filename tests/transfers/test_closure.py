"""The closure part of a request (Art. 19; CSRC Order 204; CSDC 2018): what the request
cannot wind up refuses the closure at reception, each condition named; what it winds up, and
what follows, the closure waits for — visibly — and finishes without the customer applying
again once the core system shows it met; the branch's own revocation changes the customer's
account facts in the same transaction."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core_system.models import CoreAccountState
from jobs.models import DailyNotice
from kernel.errors import Conflict, InvalidInput
from notifications.models import Notification
from tests.builders import (
    at,
    audit_rows,
    confirm_and_complete,
    page,
    ready_to_close,
    set_core_state,
    state_of,
    to_approved,
    to_completed,
    to_processing,
    token_client,
)
from transfers import services
from transfers.models import AuditAction, TransferRequest, TransferState
from transfers.selectors import late_requests

S = TransferState
CLOSURE = {"wants_closure": True}
SZ_TRANSFER = {
    "wants_sz_transfer": True,
    "sz_receiving_broker": "某证券",
    "sz_receiving_seat": "077011",
}
ALL_THREE = {**SZ_TRANSFER, "wants_sh_revocation": True, **CLOSURE}


def receive(people, customer, **items):
    return services.transfer_request_create(customer=customer, actor=people.clerk, **items)


def still_tied(req):
    return [c.code for c in services.closure_conditions_missing(req)]


# --- Reception: what this request can never wind up ------------------------------------


@pytest.mark.parametrize(
    "designated, in_custody, missing",
    [
        (True, False, ["sh_designated"]),
        (False, True, ["sz_custody"]),
        (True, True, ["sh_designated", "sz_custody"]),
    ],
)
def test_a_closure_without_the_part_that_winds_up_a_tie_is_refused_at_reception_naming_each(
    people, designated, in_custody, missing
):
    customer = ready_to_close(people, sh_designated_here=designated)
    set_core_state(customer, sz_holdings_in_custody=in_custody)
    with pytest.raises(InvalidInput) as refused:
        receive(people, customer, **CLOSURE)
    assert refused.value.code == "closure_conditions"
    assert refused.value.details["missing"] == missing
    assert "cannot be closed with this request" in refused.value.message
    assert not TransferRequest.objects.filter(customer=customer).exists()


def test_a_closure_with_its_revocation_and_transfer_is_received_and_shows_what_it_awaits(
    people,
):
    customer = ready_to_close(people, sh_designated_here=True)
    set_core_state(customer, sz_holdings_in_custody=True, interest_settled=False)
    req = receive(people, customer, **ALL_THREE)
    assert state_of(req) == S.RECEIVED
    # The revocation and the transfer are this request's; the interest it waits for.
    assert still_tied(req) == ["interest"]


# --- Processing: the closure waits, the rest completes -------------------------------------

# An unfulfilled agreement is a blocking condition of the whole request (Art. 16(5)).
AWAITED = {
    "interest": {"interest_settled": False},
    "cash": {"cash_balance": Decimal("0.01")},
}


@pytest.mark.parametrize("code", list(AWAITED))
def test_an_awaited_condition_lets_processing_go_on_and_the_closure_waits_for_it(people, code):
    customer = ready_to_close(people)
    set_core_state(customer, **AWAITED[code])
    req = to_approved(people, customer, **CLOSURE)
    services.transfer_start_processing(request=req, actor=people.clerk)
    assert state_of(req) == S.PROCESSING
    done = confirm_and_complete(people, req)
    assert done.state == S.CLOSURE_PENDING
    assert done.receipt_number and done.completed_at and done.ended_at is None
    assert done.account_closed_at is None
    assert audit_rows(done)[-1].action == AuditAction.COMPLETE_AWAITING_CLOSURE
    assert still_tied(done) == [code]


def test_a_closure_whose_conditions_are_met_at_completion_closes_at_once(people):
    done = to_completed(people, ready_to_close(people), **CLOSURE)
    assert done.state == S.COMPLETED
    assert done.account_closed_at == done.ended_at == done.completed_at
    assert audit_rows(done)[-1].action == AuditAction.COMPLETE


def test_a_closure_refused_while_a_condition_holds_changes_nothing(people):
    customer = ready_to_close(people)
    set_core_state(customer, cash_balance=Decimal("5.00"))
    waiting = to_completed(people, customer, **CLOSURE)
    rows = len(audit_rows(waiting))
    with pytest.raises(InvalidInput) as refused:
        services.transfer_close_account(request=waiting, actor=people.clerk)
    assert refused.value.details["missing"] == ["cash"]
    assert state_of(waiting) == S.CLOSURE_PENDING and len(audit_rows(waiting)) == rows


def load_export(tmp_path, *rows):
    header = (
        "fund_account,last_order_date,open_bond_repo,repo_registration_open,ipo_funds_frozen,"
        "unfulfilled_agreement,clearing_house_hold,sz_holdings_in_custody,interest_settled,"
        "cash_balance,sh_designated"
    )
    path = tmp_path / "export.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    call_command("import_core_export", str(path), "--as-of", "2026-11-26", stdout=StringIO())


def test_transfer_and_revoke_now_close_once_the_core_export_shows_the_custody_moved(
    people, frozen_now, tmp_path
):
    customer = ready_to_close(people, sh_designated_here=True)
    set_core_state(customer, sz_holdings_in_custody=True)
    done = to_completed(people, customer, **ALL_THREE)
    customer.refresh_from_db()
    # The branch's own revocation is an account fact at once, in the same transaction.
    assert customer.sh_designated_here is False
    assert done.state == S.CLOSURE_PENDING
    assert [c.message for c in services.closure_conditions_missing(done)] == [
        "The Shenzhen custody transfer is under way: waiting for the core system to show the "
        "holdings moved."
    ]
    # Wednesday: custody still here; nothing to tell, the clock does not run yet.
    services.closure_sweep(branch=people.branch, business_date=dt.date(2026, 11, 25))
    done.refresh_from_db()
    assert done.closure_ready_on is None
    assert done not in late_requests(branch_id=people.branch.pk, today=dt.date(2026, 12, 1))
    # Thursday's export: the custody has moved.
    load_export(tmp_path, f"{customer.fund_account},,0,0,0,,,0,1,0.00,0")
    thursday = dt.date(2026, 11, 26)
    at(frozen_now, thursday)
    for _run in range(2):
        services.closure_sweep(branch=people.branch, business_date=thursday)
    done.refresh_from_db()
    assert done.closure_ready_on == thursday
    assert done.closure_due_on == dt.date(2026, 11, 30)  # two trading days: Fri, Mon
    told = DailyNotice.objects.filter(kind="transfers.closure_ready", ref=f"request:{done.pk}")
    assert list(told.values_list("recipient", flat=True)) == [people.lead.pk]
    assert (
        Notification.objects.filter(
            recipient=people.lead, subject__contains="can be closed"
        ).count()
        == 1
    )
    closed = services.transfer_close_account(request=done, actor=people.clerk)
    assert closed.state == S.COMPLETED and closed.account_closed_at == closed.ended_at
    assert audit_rows(closed)[-1].action == AuditAction.CLOSE_ACCOUNT
    # Closed: the Art. 19 list no longer offers it.
    assert customer not in services.ready_to_close(branch=people.branch)


def test_a_waiting_closure_runs_late_two_trading_days_after_its_conditions_were_met(
    people, frozen_now
):
    customer = ready_to_close(people)
    set_core_state(customer, interest_settled=False)
    waiting = to_completed(people, customer, **CLOSURE)
    # The customer's own two days passed long ago; the closure is not late while it waits.
    assert waiting not in late_requests(branch_id=people.branch.pk, today=dt.date(2026, 12, 10))
    set_core_state(customer, interest_settled=True)
    services.closure_sweep(branch=people.branch, business_date=dt.date(2026, 12, 1))
    waiting.refresh_from_db()
    assert waiting.closure_due_on == dt.date(2026, 12, 3)
    assert waiting not in late_requests(branch_id=people.branch.pk, today=dt.date(2026, 12, 3))
    assert waiting in late_requests(branch_id=people.branch.pk, today=dt.date(2026, 12, 4))


def test_after_a_revocation_done_here_a_second_is_refused_and_the_sweep_lists_the_account(
    people,
):
    customer = ready_to_close(people, sh_designated_here=True)
    to_completed(people, customer, wants_sh_revocation=True)
    with pytest.raises(InvalidInput, match="not at this branch"):
        receive(people, customer, wants_sh_revocation=True)
    assert customer in services.ready_to_close(branch=people.branch)


def test_the_core_export_carries_the_designation_and_a_bad_value_names_its_line(people, tmp_path):
    customer = people.customer(sh_designated_here=False)
    load_export(tmp_path, f"{customer.fund_account},,0,0,0,,,0,1,0.00,1")
    customer.refresh_from_db()
    assert customer.sh_designated_here is True
    with pytest.raises(CommandError, match="line 2") as refused:
        load_export(tmp_path, f"{customer.fund_account},,0,0,0,,,0,1,0.00,maybe")
    assert "sh_designated" in str(refused.value)
    customer.refresh_from_db()
    assert customer.sh_designated_here is True
    assert CoreAccountState.objects.get(customer=customer).as_of == dt.date(2026, 11, 26)


# --- The page and the API ------------------------------------------------------------------


def test_the_request_page_shows_the_waiting_closure_and_closes_it_when_allowed(people, client):
    customer = ready_to_close(people)
    set_core_state(customer, interest_settled=False)
    waiting = to_completed(people, customer, **CLOSURE)
    client.force_login(people.clerk)
    url = reverse("request_detail", args=[waiting.pk])
    shown = page(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "The transfer part is done" in shown and 'id="close-account"' in shown
    # The customer's own two days no longer run; the closure's start once it may close.
    due = shown.split('id="closure-due"')[1].split("</div>")[0]
    assert "two trading days after its conditions are met" in due
    refused = client.post(
        reverse("request_close_account", args=[waiting.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 302 and state_of(waiting) == S.CLOSURE_PENDING
    set_core_state(customer, interest_settled=True)
    client.post(reverse("request_close_account", args=[waiting.pk]))
    assert state_of(waiting) == S.COMPLETED


def test_the_api_offers_close_account_while_the_closure_waits(people):
    customer = ready_to_close(people)
    set_core_state(customer, interest_settled=False)
    waiting = to_completed(people, customer, **CLOSURE)
    api = token_client(people)
    body = api.get(f"/api/v1/requests/{waiting.pk}/").json()
    assert "close_account" in body["available_actions"]
    assert [c["code"] for c in body["closure_conditions_missing"]] == ["interest"]
    refused = api.post(f"/api/v1/requests/{waiting.pk}/close-account/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "closure_conditions"
    set_core_state(customer, interest_settled=True)
    closed = api.post(f"/api/v1/requests/{waiting.pk}/close-account/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["state"] == S.COMPLETED


def test_a_waiting_closure_is_not_a_second_request_and_revisits_see_the_customer_left(people):
    customer = ready_to_close(people)
    set_core_state(customer, interest_settled=False)
    waiting = to_processing(people, customer, **CLOSURE)
    waiting = confirm_and_complete(people, waiting)
    with pytest.raises(Conflict, match="already has an open request"):
        receive(people, customer, **CLOSURE)
    from revisits.selectors import departures

    assert [
        d.request_id for d in departures(branch=people.branch, up_to=dt.date(2026, 12, 31))
    ] == [waiting.pk]


# --- What follows the customer's leaving while the closure waits -----------------------


def test_a_customer_whose_closure_waits_has_left_for_the_memo_the_revisits_and_the_archive(
    people, frozen_now
):
    """Art. 30, 31, records Art. 15: the transfer part done is the customer leaving — the work
    memo, the first revisit and the filing of the papers follow it — and the closure that
    comes later ends the relationship (records Art. 8) without a second memo or receipt."""
    from archives.models import ArchiveRecord, DocumentKind
    from archives.services import archive_file_day
    from kernel.calendar import TradingCalendar
    from retention.models import MemoOutcome, WorkMemo
    from revisits.models import Reason, RevisitTask
    from revisits.services import revisits_plan
    from tests.builders import AFTER_CLOSE, TODAY

    # An important customer: Art. 31 revisits them in the week they leave.
    customer = people.customer("important", sh_designated_here=False)
    set_core_state(
        customer, sz_holdings_in_custody=False, interest_settled=False, cash_balance=Decimal("0")
    )
    waiting = to_completed(people, customer, **CLOSURE)
    assert waiting.state == S.CLOSURE_PENDING
    memo = WorkMemo.objects.get(request=waiting)
    assert memo.outcome == MemoOutcome.LEFT

    revisits_plan(branch=people.branch, business_date=TODAY, calendar=TradingCalendar())
    assert RevisitTask.objects.filter(customer=customer, reason=Reason.LEFT_FIRST).count() == 1

    frozen_now.move_to(AFTER_CLOSE)
    archive_file_day(branch=people.branch, business_date=TODAY)
    transfer_part = ArchiveRecord.objects.get(transfer_request=waiting)
    kinds = set(transfer_part.documents.values_list("kind", flat=True))
    assert {DocumentKind.RECEIPT, DocumentKind.MEMO} <= kinds
    assert transfer_part.outcome == S.CLOSURE_PENDING
    assert transfer_part.relationship_ended_on is None

    set_core_state(customer, interest_settled=True)
    thursday = dt.date(2026, 11, 26)
    at(frozen_now, thursday)
    services.transfer_close_account(request=waiting, actor=people.clerk)
    assert WorkMemo.objects.filter(request=waiting).count() == 1
    frozen_now.move_to(AFTER_CLOSE + dt.timedelta(days=1))
    archive_file_day(branch=people.branch, business_date=thursday)
    closure = ArchiveRecord.objects.filter(transfer_request=waiting).exclude(pk=transfer_part.pk)
    assert [r.outcome for r in closure] == [S.COMPLETED]
    assert set(closure[0].documents.values_list("kind", flat=True)) == {DocumentKind.BUSINESS_FORM}
    transfer_part.refresh_from_db()
    assert transfer_part.relationship_ended_on == thursday
