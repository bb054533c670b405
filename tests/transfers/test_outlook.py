"""The counter sees first (transfers/foresight.py): what would stop or delay a request is
said on the customer page and the new-request form before anything is received — blocking
conditions (Art. 16), the appointment (Art. 18), closure conditions (Art. 19), the account
manager the route needs (Art. 9) — and it is what the services later do. It never refuses."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from core_system.models import CoreAccountState
from kernel.errors import ApplicationError
from kernel.models import CalendarYear
from tests.builders import (
    approve_all,
    at,
    new_request,
    page,
    person,
    reason,
    set_core_state,
    to_approved,
    to_awaiting_approval,
    to_completed,
)
from transfers import services
from transfers.foresight import Severity, request_outlook
from transfers.models import TransferRequest, TransferState

TODAY = dt.date(2026, 11, 25)  # a Wednesday (tests/builders.py: TEST_NOW)
TUESDAY = dt.date(2026, 11, 24)
THURSDAY = dt.date(2026, 11, 26)

# code: how the core system's export shows it (Art. 16(1)–(6))
BLOCKING = {
    "orders_today": {"last_order_date": TODAY},
    "bond_repo_open": {"open_bond_repo": True},
    "repo_registration": {"repo_registration_open": True},
    "ipo_frozen": {"ipo_funds_frozen": True},
    "agreement_unfulfilled": {"unfulfilled_agreement": "融资融券合同未了结"},
    "clearing_house_hold": {"clearing_house_hold": "深圳分公司：司法冻结"},
}


@pytest.fixture(autouse=True)
def english(client):
    """The messages these tests read are the English source texts."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def outlook_of(customer, **kwargs):
    return request_outlook(customer=customer, on=TODAY, **kwargs)


def panel(client, url) -> str:
    """The outlook panel of a page, as the person reads it ("" when there is none)."""
    response = client.get(url)
    assert response.status_code == 200
    text = page(response)
    if 'id="outlook"' not in text:
        return ""
    return text.split('id="outlook"')[1].split('<p class="help">')[0]


def customer_page(customer) -> str:
    return reverse("customer_detail", kwargs={"pk": customer.pk})


def form_page(customer) -> str:
    return reverse("request_create", kwargs={"pk": customer.pk})


# --- Art. 16: blocking conditions ----------------------------------------------------------


def test_a_blocking_condition_shows_before_any_request_and_the_request_is_still_received(
    client, people
):
    customer = people.customer("ordinary")
    set_core_state(customer, open_bond_repo=True, ipo_funds_frozen=True)
    client.force_login(people.clerk)

    for url in (customer_page(customer), form_page(customer)):
        shown = panel(client, url)
        assert "A bond repo has not matured yet." in shown
        assert "IPO subscription funds are still frozen." in shown
        assert "will stop" in shown and 'id="outlook-clear"' not in shown
    assert not TransferRequest.objects.filter(customer=customer).exists()

    response = client.post(form_page(customer), {"wants_sh_revocation": "on"})
    req = TransferRequest.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == reverse("request_detail", kwargs={"pk": req.pk})
    assert req.state == TransferState.RECEIVED


@pytest.mark.parametrize(
    "held",
    [
        ["bond_repo_open"],
        ["orders_today", "ipo_frozen"],
        list(BLOCKING),
        ["no_core_data"],
    ],
)
def test_the_conditions_listed_are_exactly_those_the_approval_blocks_on(people, held):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    if held == ["no_core_data"]:
        CoreAccountState.objects.filter(customer=customer).delete()
    for code in held:
        set_core_state(customer, **BLOCKING.get(code, {}))

    foreseen = outlook_of(customer, wants_closure=False)
    approve_all(people, req, customer)
    req = TransferRequest.objects.get(pk=req.pk)

    assert req.state == TransferState.BLOCKED
    assert foreseen.codes(Severity.STOPS) == [c["code"] for c in req.blocking_conditions]
    assert [f.message for f in foreseen.findings] == [c["message"] for c in req.blocking_conditions]


def test_an_order_placed_yesterday_is_not_foreseen_and_does_not_block(people):
    customer = people.customer("ordinary")
    set_core_state(customer, last_order_date=TODAY - dt.timedelta(days=1))
    assert outlook_of(customer, wants_closure=False).findings == ()
    req = to_approved(people, customer)
    assert req.state == TransferState.APPROVED


def test_nothing_the_outlook_lists_refuses_the_application(people):
    """CSRC Order 204: whatever stops processing, the customer may still apply."""
    customer = people.customer("ordinary", account_manager=None)
    set_core_state(customer, interest_settled=False, **BLOCKING["bond_repo_open"])
    foreseen = outlook_of(customer, wants_closure=True, revoking_sh=False, transferring_sz=False)
    assert {"bond_repo_open", "no_account_manager", "interest"} <= set(foreseen.codes())

    req = new_request(
        people,
        customer,
        wants_closure=True,
        wants_sh_revocation=True,
        wants_sz_transfer=True,
        sz_receiving_broker="某某证券",
        sz_receiving_seat="123456",
    )
    assert req.state == TransferState.RECEIVED


# --- Art. 18: the appointment --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["core", "institution"])
def test_a_core_customer_without_an_appointment_is_told_the_earliest_date(client, people, kind):
    customer = people.institution() if kind == "institution" else people.customer("core")
    foreseen = outlook_of(customer)
    assert foreseen.appointment_needed and foreseen.may_book
    assert foreseen.earliest == THURSDAY
    assert foreseen.codes(Severity.DELAYS) == ["appointment_required"]

    client.force_login(people.clerk)
    on_form = panel(client, form_page(customer))
    assert "the earliest date is 2026-11-26" in on_form and "will delay" in on_form
    # The clerk's pages have no booking form (the director or general manager books).
    assert 'id="outlook-book"' not in on_form
    assert 'id="outlook-book"' not in panel(client, customer_page(customer))

    client.force_login(people.md)
    on_page = panel(client, customer_page(customer))
    assert "the earliest date is 2026-11-26" in on_page
    assert 'href="#book-appointment" id="outlook-book"' in on_page
    assert 'id="book-appointment"' in page(client.get(customer_page(customer)))

    # What the service says when the counter tries anyway: the same date.
    with pytest.raises(ApplicationError) as refused:
        new_request(people, customer)
    assert refused.value.details["earliest"] == foreseen.earliest.isoformat()


def test_the_earliest_date_is_the_next_trading_day(people, frozen_now):
    at(frozen_now, dt.date(2026, 9, 30))  # before National Day
    assert request_outlook(
        customer=people.customer("core"), on=dt.date(2026, 9, 30)
    ).earliest == dt.date(2026, 10, 8)


def test_with_an_appointment_booked_the_day_before_nothing_is_said_about_it(client, people):
    customer = people.customer("core")
    appointment = people.book_appointment(customer, booked_on=TUESDAY)
    foreseen = outlook_of(customer)
    assert foreseen.appointment == appointment
    assert (foreseen.may_book, foreseen.earliest) == (False, None)
    assert "appointment_required" not in foreseen.codes() and foreseen.clear

    client.force_login(people.clerk)
    for url in (customer_page(customer), form_page(customer)):
        shown = panel(client, url)
        assert 'id="outlook-clear"' in shown
        assert "appointment" not in shown.lower() and 'id="outlook-book"' not in shown
    assert new_request(people, customer).appointment == appointment


def test_an_appointment_booked_today_says_from_when_and_offers_no_second_booking(client, people):
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=TODAY)
    foreseen = outlook_of(customer)
    assert (foreseen.may_book, foreseen.earliest) == (False, THURSDAY)
    client.force_login(people.clerk)
    shown = panel(client, customer_page(customer))
    assert "the request can be taken from 2026-11-26" in shown
    assert 'id="outlook-book"' not in shown


@pytest.mark.parametrize("tier", ["ordinary", "important"])
def test_ordinary_and_important_customers_hear_nothing_of_appointments(people, tier):
    foreseen = outlook_of(people.customer(tier), wants_closure=False)
    assert not foreseen.appointment_needed and foreseen.findings == ()


def test_a_calendar_not_yet_entered_is_said_not_a_500(client, people, frozen_now):
    customer = people.customer("core")
    at(frozen_now, dt.date(2026, 12, 31))
    CalendarYear.objects.filter(year=2027).delete()
    client.force_login(people.clerk)
    shown = panel(client, customer_page(customer))
    assert "The trading calendar does not know 2027-01-01 yet" in shown


# --- Art. 19: closing the fund account ------------------------------------------------------


def test_a_closure_with_unmet_conditions_lists_each_missing_condition(people):
    customer = people.customer("ordinary")
    set_core_state(customer, interest_settled=False, cash_balance="12.50")
    foreseen = outlook_of(customer, wants_closure=True, revoking_sh=False, transferring_sz=False)
    # What only its own part winds up refuses the closure; the rest it waits for (Art. 19).
    assert foreseen.codes(Severity.STOPS) == ["sh_designated", "sz_custody"]
    assert foreseen.codes(Severity.DELAYS) == ["interest", "cash"]
    messages = " ".join(f.message for f in foreseen.findings)
    assert "Shanghai designated trading is still at this branch" in messages
    assert "Shenzhen holdings are still in custody here" in messages
    assert "Interest has not been settled." in messages
    assert "Cash is left in the fund account" in messages


@pytest.mark.parametrize(
    ("revoking_sh", "transferring_sz"), [(False, False), (True, False), (True, True)]
)
def test_the_closure_conditions_listed_are_exactly_those_the_services_refuse_or_wait_for(
    people, revoking_sh, transferring_sz
):
    customer = people.customer("ordinary")
    set_core_state(customer, interest_settled=False)
    foreseen = outlook_of(
        customer, wants_closure=True, revoking_sh=revoking_sh, transferring_sz=transferring_sz
    )
    items = {"wants_closure": True, "wants_sh_revocation": revoking_sh}
    if transferring_sz:
        items |= {
            "wants_sz_transfer": True,
            "sz_receiving_broker": "某某证券",
            "sz_receiving_seat": "123456",
        }
    stops = foreseen.codes(Severity.STOPS)
    if stops:
        with pytest.raises(ApplicationError) as refused:
            new_request(people, customer, **items)
        assert refused.value.code == "closure_conditions"
        assert stops == refused.value.details["missing"]
        return
    waiting = to_completed(people, customer, **items)
    assert waiting.state == TransferState.CLOSURE_PENDING
    awaited = [c.code for c in services.closure_conditions_missing(waiting)]
    assert (
        foreseen.codes(Severity.DELAYS) == ["interest"] == [c for c in awaited if c != "sz_custody"]
    )


def test_before_the_items_are_chosen_a_closure_is_a_note_naming_what_the_request_can_do(
    client, people
):
    customer = people.customer("ordinary")
    set_core_state(customer, interest_settled=False)
    foreseen = outlook_of(customer)
    notes = {f.code: f.message for f in foreseen.findings if f.severity == Severity.NOTE}
    assert set(notes) == {"interest", "sh_designated", "sz_custody"} == set(foreseen.codes())
    assert "same request" in notes["sh_designated"] and "same request" in notes["sz_custody"]
    assert "same request" not in notes["interest"]
    assert foreseen.clear  # notes only: nothing stops the request itself

    client.force_login(people.clerk)
    shown = panel(client, form_page(customer))
    assert "For a closure: Interest has not been settled." in shown
    assert 'id="outlook-clear"' in shown


def test_a_request_that_does_not_close_hears_nothing_of_closure(people):
    customer = people.customer("ordinary")
    set_core_state(customer, interest_settled=False)
    assert outlook_of(customer, wants_closure=False).findings == ()


def test_a_failed_form_speaks_of_what_was_ticked(client, people):
    customer = people.customer("ordinary")
    set_core_state(customer, interest_settled=False)
    client.force_login(people.clerk)
    # Asking for the Shenzhen transfer without the receiving seat is refused on the form.
    response = client.post(form_page(customer), {"wants_closure": "on", "wants_sz_transfer": "on"})
    assert response.status_code == 400
    shown = page(response).split('id="outlook"')[1].split('<p class="help">')[0]
    assert "Shanghai designated trading is still at this branch: revoke it first." in shown
    assert "For a closure" not in shown and "will stop" in shown
    assert "Shenzhen holdings" not in shown  # the transfer is ticked: processing does it first


# --- Art. 9: the customer's own account manager ---------------------------------------------


def test_a_customer_without_an_account_manager_is_warned(client, people):
    customer = people.customer("ordinary", account_manager=None)
    foreseen = outlook_of(customer, wants_closure=False)
    assert foreseen.codes(Severity.STOPS) == ["no_account_manager"]
    client.force_login(people.clerk)
    for url in (customer_page(customer), form_page(customer)):
        assert "The customer has no account manager to co-approve" in panel(client, url)

    # The service stops at the same place with the same words.
    req = new_request(people, customer)
    services.transfer_documents_verify(
        request=req, actor=people.clerk, checked=["identity", "securities_card", "fund_card"]
    )
    services.transfer_reason_record(request=req, actor=people.clerk, primary_reason=reason())
    with pytest.raises(ApplicationError) as refused:
        services.transfer_go_on(request=req, actor=people.clerk)
    assert refused.value.code == "no_account_manager"
    assert refused.value.message == foreseen.findings[0].message


# --- Who sees it, and where ------------------------------------------------------------------


def test_another_branchs_customer_is_a_404(client, people, other_branch):
    customer = other_branch.customer("core")
    set_core_state(customer, open_bond_repo=True)
    client.force_login(people.clerk)
    for url in (customer_page(customer), form_page(customer)):
        response = client.get(url)
        assert response.status_code == 404
        assert "A bond repo has not matured yet." not in page(response)


def test_an_open_request_speaks_for_itself_on_its_own_page(client, people):
    customer = people.customer("ordinary")
    set_core_state(customer, open_bond_repo=True)
    new_request(people, customer)
    client.force_login(people.clerk)
    assert panel(client, customer_page(customer)) == ""
    assert panel(client, form_page(customer)) == ""


def test_the_archivist_sees_the_customer_but_no_outlook(client, people):
    customer = people.customer("ordinary")
    set_core_state(customer, open_bond_repo=True)
    client.force_login(person(people, Role.ARCHIVIST))
    assert panel(client, customer_page(customer)) == ""


def test_what_stops_comes_before_what_delays_before_the_notes(people):
    customer = people.customer("core", account_manager=None)
    set_core_state(customer, interest_settled=False, **BLOCKING["ipo_frozen"])
    severities = [f.severity for f in outlook_of(customer).findings]
    assert severities == sorted(
        severities, key=[Severity.STOPS, Severity.DELAYS, Severity.NOTE].index
    )
    assert set(severities) == {Severity.STOPS, Severity.DELAYS, Severity.NOTE}
