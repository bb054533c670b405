"""An approver on a phone (360×800, Chromium's mobile emulation): signs in with a second
factor, approves from the queue's request page and signs off a phone approval, and no page
on the way scrolls sideways. Another approver enrols an authenticator app on the phone and
gives the last approval. Elements by id and URL, never by text."""

import importlib
import shutil
import tempfile

import pytest
from django.apps import apps
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.services import roles_sync
from tests.builders import make_branch, to_awaiting_approval
from tests.test_browser import CHROMEDRIVER, CHROMIUM, WAIT_SECONDS, Counter
from transfers import services
from transfers.models import Approval, ApprovalMode

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, "
        "/usr/bin/chromedriver): apt-get install chromium chromium-driver",
    ),
]

PHONE = {"width": 360, "height": 800, "pixelRatio": 2.0}


@pytest.fixture
def phone():
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
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "mobileEmulation",
        {
            "deviceMetrics": PHONE,
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
        },
    )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Phone(Counter):
    def fits(self):
        """The page is no wider than the phone: nothing scrolls sideways."""
        width, page_width = self.driver.execute_script(
            "return [window.innerWidth, document.documentElement.scrollWidth];"
        )
        wide = self.driver.execute_script(
            "return Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right > arguments[0])"
            ".slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className);",
            PHONE["width"],
        )
        assert width == PHONE["width"], (width, wide)
        assert page_width <= PHONE["width"], (self.driver.current_url, page_width, wide)

    def submit_by(self, selector):
        """As the counter's, but Chromium's mobile emulation may answer "node does not belong
        to the document" rather than "stale" for the page just replaced: both mean gone."""
        from selenium.common.exceptions import WebDriverException

        old_page = self.driver.find_element(self.By.TAG_NAME, "html")
        self.css(selector).click()

        def replaced(driver):
            try:
                old_page.is_enabled()
            except WebDriverException:
                return True
            return False

        self.wait.until(replaced)
        self.css("body")

    def sign_in_with_password(self, person):
        from tests.accounts.factories import STAFF_PASSWORD

        self.open("/login/")
        self.fits()
        self.type("#id_username", person.username)
        self.type("#id_password", STAFF_PASSWORD)
        self.submit_by(".login-wrap button[type=submit]")


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_an_approver_on_a_phone_signs_in_with_a_second_factor_and_approves(
    live_server, seeded_calendar, phone, settings
):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    settings.OTP_REQUIRED_ROLES = [Role.COUNTER_LEAD.value, Role.ACCOUNT_MANAGER.value]
    roles_sync()
    importlib.import_module("retention.migrations.0002_seed_reasons").seed(apps, None)
    people = make_branch()
    req = to_awaiting_approval(people, people.customer("ordinary"))
    # A phone approval in the lead's name on another request, to be signed off on the phone.
    earlier = to_awaiting_approval(people, people.customer("ordinary"))
    by_phone = services.transfer_record_phone_approval(
        request=earlier, actor=people.clerk, approver=people.lead
    )
    device = TOTPDevice.objects.create(user=people.lead, name="authenticator", confirmed=True)
    walk = Phone(phone, live_server.url)

    # The password, then the code the app shows.
    walk.sign_in_with_password(people.lead)
    assert "/account/second-factor/verify/" in phone.current_url
    walk.fits()
    walk.type("#id_token", code_of(device))
    walk.submit_by("#second-factor-verify")
    assert phone.current_url == live_server.url + "/"
    walk.fits()

    # The queue, with its request and the phone approval to sign off.
    walk.open("/approvals/")
    walk.fits()
    walk.css(f"#queue a[href='/requests/{req.pk}/']").click()
    walk.css("#request-state")
    walk.fits()
    walk.submit_by("#approve")
    walk.fits()
    approval = Approval.objects.get(request=req, approver=people.lead)
    # Art. 17: given in the app with a second factor, it counts as written.
    assert approval.mode == ApprovalMode.IN_PERSON and approval.sign_off_due_on is None

    walk.open("/approvals/")
    walk.submit_by(f"form[action='/approvals/{by_phone.pk}/sign-off/'] button")
    walk.fits()
    by_phone.refresh_from_db()
    assert by_phone.signed_off_at is not None
    walk.sign_out()

    # The account manager has no app yet: the phone enrols one, then approves last.
    walk.sign_in_with_password(people.am)
    assert "/account/second-factor/?" in phone.current_url
    walk.fits()
    assert walk.css("#second-factor-qr").get_attribute("src").startswith("data:image/svg+xml")
    new_device = TOTPDevice.objects.get(user=people.am, confirmed=False)
    walk.type("#id_token", code_of(new_device))
    walk.submit_by("#second-factor-confirm")
    assert len(phone.find_elements(walk.By.CSS_SELECTOR, "#recovery-codes li")) == 10
    walk.fits()
    walk.open(f"/requests/{req.pk}/")
    walk.fits()
    walk.submit_by("#approve")
    assert walk.state() == "approved"
    walk.fits()
