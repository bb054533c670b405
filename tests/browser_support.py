"""What the browser walks share: headless Debian Chromium at the counter's 1366×768 or in a
360×800 phone's emulation, the counter's gestures (and, on a phone, the check that a page
does not scroll sideways), and the code an authenticator app would show. Elements by id and
URL, never by text."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import STAFF_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_SECONDS = 15

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, "
        "/usr/bin/chromedriver): apt-get install chromium chromium-driver",
    ),
]

PHONE = {"width": 360, "height": 800, "pixelRatio": 2.0}


@contextmanager
def chromium(*, window: str | None = None, mobile: dict[str, Any] | None = None) -> Iterator:
    """Headless Debian Chromium in a profile of its own, removed afterwards: a desktop window
    ("1366,768") or a phone's emulation (`mobile`)."""
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
        *([f"--window-size={window}"] if window else []),
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    if mobile is not None:
        options.add_experimental_option("mobileEmulation", mobile)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def phone_chromium() -> Iterator:
    """Chromium emulating a 360-wide Android phone: the body of each walk's `phone` fixture."""
    with chromium(
        mobile={
            "deviceMetrics": PHONE,
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
        }
    ) as driver:
        yield driver


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

    def visit(self, path):
        """Open a page and check it fits the phone."""
        self.open(path)
        self.fits()

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

    def set_value(self, selector, value):
        """A date field's typed form depends on the browser's locale; its value does not."""
        self.driver.execute_script("arguments[0].value = arguments[1];", self.css(selector), value)

    def sign_in_with_password(self, person):
        from tests.accounts.factories import STAFF_PASSWORD

        self.open("/login/")
        self.fits()
        self.type("#id_username", person.username)
        self.type("#id_password", STAFF_PASSWORD)
        self.submit_by(".login-wrap button[type=submit]")


def code_of(device: TOTPDevice) -> str:
    """The six digits the authenticator app shows now for this device."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
