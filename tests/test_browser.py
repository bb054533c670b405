"""One walk through the counter in headless Chromium: an ordinary customer's Shenzhen
custody transfer, from the search to the printed receipt, through the two approvals.

It finds elements by id and URL, never by text, so it passes in either language."""

import importlib
import urllib.request

import pytest
from django.apps import apps

from accounts.services import roles_sync
from tests.accounts.factories import TRADING_PASSWORD
from tests.browser_support import BROWSER_MARKS, WAIT_SECONDS, Counter, chromium
from tests.builders import make_branch
from transfers.models import TransferRequest

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser():
    with chromium(window="1366,768") as driver:
        yield driver


def test_an_ordinary_customers_shenzhen_transfer_from_search_to_printed_receipt(
    live_server, seeded_calendar, browser, settings
):
    from selenium.webdriver.support.ui import Select

    # The test clock is frozen in 2026 while the browser lives in real time: cookies that
    # end with the browser session cannot look expired to it.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    # The live server's flush empties what migrations put in: the roles and the reasons.
    roles_sync()
    importlib.import_module("retention.migrations.0002_seed_reasons").seed(apps, None)
    people = make_branch()
    customer = people.customer("ordinary")
    counter = Counter(browser, live_server.url)

    # The clerk finds the customer by fund account and starts the request.
    counter.sign_in(people.clerk)
    counter.type("#home-q", customer.fund_account)
    counter.submit_by("form[role=search] button[type=submit]")
    counter.css(f"a[href='/customers/{customer.pk}/']").click()
    counter.css(f"a[href='/customers/{customer.pk}/requests/new/']").click()
    counter.css("#id_wants_sz_transfer").click()
    counter.type("#id_sz_receiving_broker", "某某证券")
    counter.type("#id_sz_receiving_seat", "123456")
    counter.submit_by("#request-form button[type=submit]")
    req = TransferRequest.objects.get(customer=customer)
    assert browser.current_url == f"{live_server.url}/requests/{req.pk}/"
    assert counter.state() == "received"

    # Documents, reason, and the customer goes on.
    for box in browser.find_elements(counter.By.CSS_SELECTOR, "input[name=checked]"):
        box.click()
    counter.submit_by("#verify-documents")
    assert counter.state() == "documents_verified"
    Select(counter.css("#id_primary_reason")).select_by_index(1)
    counter.type("#id_note", "离家太远")
    counter.submit_by("#record-reason")
    assert counter.state() == "retention"
    counter.submit_by("#go-on")
    assert counter.state() == "awaiting_approval"
    counter.sign_out()

    # The counter lead, then the account manager, approve.
    for approver, state_after in ((people.lead, "awaiting_approval"), (people.am, "approved")):
        counter.sign_in(approver)
        counter.open(f"/requests/{req.pk}/")
        counter.submit_by("#approve")
        assert counter.state() == state_after
        counter.sign_out()

    # The clerk processes: the customer types the password, the clerk completes.
    counter.sign_in(people.clerk)
    counter.open(f"/requests/{req.pk}/")
    counter.submit_by("#start-processing")
    assert counter.state() == "processing"
    counter.type("#id_password", TRADING_PASSWORD)
    counter.submit_by("#confirm-password")
    assert not browser.find_elements(counter.By.CSS_SELECTOR, "#id_password")
    for box in browser.find_elements(counter.By.CSS_SELECTOR, "input[name=retained]"):
        box.click()
    counter.submit_by("#complete")
    assert counter.state() == "completed"
    req.refresh_from_db()
    assert counter.css("#receipt-number").text == req.receipt_number

    # The receipt link returns a PDF to the signed-in clerk.
    receipt_url = counter.css("#receipt-link").get_attribute("href")
    session = browser.get_cookie("sessionid")["value"]
    fetch = urllib.request.Request(receipt_url, headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(fetch, timeout=WAIT_SECONDS) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read(4) == b"%PDF"
