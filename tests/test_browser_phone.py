"""An approver on a phone (360×800, Chromium's mobile emulation): signs in with a second
factor, approves from the queue's request page, looks at the sign-off sitting and the
substitutes and signs off a phone approval, and no page on the way scrolls sideways. Another
approver enrols an authenticator app on the phone and gives the last approval. Elements by
id and URL, never by text."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.services import roles_sync
from tests.browser_support import BROWSER_MARKS, Phone, code_of, phone_chromium
from tests.builders import make_branch, to_awaiting_approval
from transfers import services
from transfers.models import Approval, ApprovalMode

pytestmark = BROWSER_MARKS


@pytest.fixture
def phone():
    with phone_chromium() as driver:
        yield driver


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
    # A substitute named for next week, so the substitutes page has a row to lay out.
    services.substitution_create(
        actor=people.lead,
        absent=people.lead,
        substitute=people.md,
        steps=["counter_lead"],
        starts_on=dt.date(2026, 11, 30),
        ends_on=dt.date(2026, 12, 4),
        reason="培训",
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

    # The sign-off sitting and the substitutes, with a row each, fit the phone as well.
    walk.visit("/approvals/sign-offs/")
    walk.css(f"#tick-{by_phone.pk}")
    walk.visit("/approvals/substitutes/")
    walk.css("#substitutions tbody tr")
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
