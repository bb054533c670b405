"""One walk through the counter in headless Chromium: an ordinary customer's Shenzhen
custody transfer, from the search to the printed receipt, through the two approvals.

It finds elements by id and URL, never by text, so it passes in either language."""

import importlib
import shutil
import tempfile
import urllib.request
from pathlib import Path

import pytest
from django.apps import apps

from accounts.services import roles_sync
from tests.accounts.factories import STAFF_PASSWORD, TRADING_PASSWORD
from tests.builders import make_branch
from transfers.models import TransferRequest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, "
        "/usr/bin/chromedriver): apt-get install chromium chromium-driver",
    ),
]

WAIT_SECONDS = 15


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1366,768",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Counter:
    """The few gestures the walk needs, each waiting for the page it leads to."""

    def __init__(self, driver, base_url):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver, self.base_url = driver, base_url
        self.By, self.ec = By, ec
        self.wait = WebDriverWait(driver, WAIT_SECONDS)

    def css(self, selector):
        return self.wait.until(self.ec.element_to_be_clickable((self.By.CSS_SELECTOR, selector)))

    def open(self, path):
        self.driver.get(self.base_url + path)
        self.css("body")

    def submit_by(self, selector):
        """Click a submit button and wait until the next page has replaced this one."""
        old_page = self.driver.find_element(self.By.TAG_NAME, "html")
        self.css(selector).click()
        self.wait.until(self.ec.staleness_of(old_page))
        self.css("body")

    def type(self, selector, text):
        field = self.css(selector)
        field.clear()
        field.send_keys(text)

    def state(self):
        return self.css("#request-state").get_attribute("data-state")

    def sign_in(self, person):
        self.open("/login/")
        self.type("#id_username", person.username)
        self.type("#id_password", STAFF_PASSWORD)
        self.submit_by(".login-wrap button[type=submit]")
        assert self.driver.current_url == self.base_url + "/"

    def sign_out(self):
        self.submit_by("form[action='/logout/'] button")


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
