"""The second factor (accounts/second_factor.py): enrolling an authenticator app, the code
asked after the password, the roles that must use one (on pages, in the admin and in the
API), and an approval given with it needing no written sign-off (Art. 17)."""

import datetime as dt

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from tests.accounts.factories import STAFF_PASSWORD
from tests.builders import (
    assert_error_shape,
    page,
    session_client,
    to_awaiting_approval,
    token_client,
)
from transfers import services
from transfers.models import Approval, ApprovalMode

NEXT_STEP = dt.timedelta(seconds=30)


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def signed_in(user) -> Client:
    """Through the sign-in page, as a person does (the lockout's backend needs a request)."""
    client = Client()
    r = client.post("/login/", {"username": user.username, "password": STAFF_PASSWORD})
    assert r.status_code == 302, r.content
    return client


def test_enrolment_shows_a_qr_code_and_the_secret_then_ten_recovery_codes_once(people):
    client = signed_in(people.md)
    r = client.get("/account/second-factor/")
    assert r.status_code == 200
    html = page(r)
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=people.md, confirmed=False)
    assert 'id="second-factor-secret"' in html

    wrong = client.post("/account/second-factor/", {"token": "000000x"})
    assert wrong.status_code == 200 and "field-errors" in page(wrong)
    assert not TOTPDevice.objects.filter(user=people.md, confirmed=True).exists()

    r = client.post("/account/second-factor/", {"token": code_of(device)})
    assert r.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = StaticToken.objects.filter(device__user=people.md).values_list("token", flat=True)
    assert len(codes) == 10 and all(code in page(r) for code in codes)
    # The session that enrolled is verified: pages open without asking again.
    assert client.get("/").status_code == 200
    # The codes are shown that once: the page now offers to replace the device.
    again = page(client.get("/account/second-factor/"))
    assert 'id="second-factor-enrolled"' in again and codes[0] not in again


def test_a_person_with_a_device_gives_a_code_after_the_password(people, frozen_now):
    device = enrolled(people.lead)
    client = signed_in(people.lead)
    r = client.get("/approvals/")
    assert r.status_code == 302
    assert r["Location"] == "/account/second-factor/verify/?next=%2Fapprovals%2F"
    # Nor may they replace the device before they give a code from it.
    assert client.get("/account/second-factor/")["Location"].startswith(
        "/account/second-factor/verify/"
    )

    wrong = client.post("/account/second-factor/verify/", {"token": "123", "next": "/approvals/"})
    assert wrong.status_code == 200 and "field-errors" in page(wrong)
    # django-otp holds the next try back a moment after a wrong one.
    held = client.post("/account/second-factor/verify/", {"token": code_of(device)})
    assert held.status_code == 200 and "field-errors" in page(held)
    frozen_now.shift(NEXT_STEP)
    device.refresh_from_db()
    r = client.post(
        "/account/second-factor/verify/", {"token": code_of(device), "next": "/approvals/"}
    )
    assert r.status_code == 302 and r["Location"] == "/approvals/"
    assert client.get("/approvals/").status_code == 200


def test_a_recovery_code_signs_in_once(people):
    client = signed_in(people.md)
    client.get("/account/second-factor/")
    device = TOTPDevice.objects.get(user=people.md)
    client.post("/account/second-factor/", {"token": code_of(device)})
    code = StaticToken.objects.filter(device__user=people.md).first().token

    first = signed_in(people.md)
    r = first.post("/account/second-factor/verify/", {"token": code})
    assert r.status_code == 302 and r["Location"] == "/"
    second = signed_in(people.md)
    r = second.post("/account/second-factor/verify/", {"token": code})
    assert r.status_code == 200 and "field-errors" in page(r)
    assert StaticToken.objects.filter(device__user=people.md).count() == 9


def test_an_outside_next_address_is_not_followed(people):
    device = enrolled(people.lead)
    client = signed_in(people.lead)
    r = client.post(
        "/account/second-factor/verify/",
        {"token": code_of(device), "next": "https://elsewhere.example/"},
    )
    assert r["Location"] == "/"
    # Nor is a bare word, nor does it break the page.
    assert client.get("/account/second-factor/verify/?next=0001-01-01")["Location"] == "/"


def test_without_required_roles_a_person_without_a_device_signs_in_with_the_password(people):
    assert signed_in(people.md).get("/approvals/").status_code == 200


@pytest.fixture
def directors_must(settings):
    settings.OTP_REQUIRED_ROLES = [Role.MARKETING_DIRECTOR.value, Role.GENERAL_MANAGER.value]


def test_a_required_role_without_a_device_is_sent_to_enrol_on_every_page(people, directors_must):
    client = signed_in(people.md)
    for path in ("/", "/approvals/", "/admin/"):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"].startswith("/account/second-factor/?next=")
    assert client.get("/account/second-factor/").status_code == 200
    # The verify page, asked directly, sends them to enrol too.
    assert client.get("/account/second-factor/verify/")["Location"].startswith(
        "/account/second-factor/?"
    )
    # Other roles are not asked.
    assert signed_in(people.clerk).get("/").status_code == 200


def test_a_required_role_signed_in_before_it_was_required_is_asked_too(people, settings):
    device = enrolled(people.gm)
    client = Client()
    client.force_login(people.gm)
    client.post("/account/second-factor/verify/", {"token": code_of(device)})
    stale = Client()
    stale.force_login(people.md)
    settings.OTP_REQUIRED_ROLES = [Role.MARKETING_DIRECTOR.value]
    assert stale.get("/")["Location"].startswith("/account/second-factor/?")
    assert client.get("/").status_code == 200


def test_the_admin_asks_for_the_second_factor_too(people, directors_must, frozen_now):
    device = enrolled(people.gm)
    client = signed_in(people.gm)
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/account/second-factor/verify/")
    client.post("/account/second-factor/verify/", {"token": code_of(device)})
    assert client.get("/admin/").status_code == 200


def test_the_api_refuses_an_unverified_session_of_a_required_role(people, directors_must):
    api = session_client(people.md)
    assert_error_shape(api.get("/api/v1/requests/"), 403, "second_factor_required")
    assert session_client(people.clerk).get("/api/v1/requests/").status_code == 200


def test_the_api_accepts_a_verified_session_and_system_tokens_as_before(people, directors_must):
    device = enrolled(people.md)
    api = session_client(people.md)
    api.post("/account/second-factor/verify/", {"token": code_of(device)})
    assert api.get("/api/v1/requests/").status_code == 200
    assert token_client(people, acting_as=people.md).get("/api/v1/requests/").status_code == 200


# --- Art. 17: an approval given in the app with a second factor counts as written --------


def test_a_phone_approval_still_owes_its_written_sign_off(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.lead
    )
    assert approval.mode == ApprovalMode.PHONE
    assert approval.awaiting_sign_off and approval.sign_off_due_on is not None


def test_an_approval_in_the_app_with_a_second_factor_owes_no_sign_off(people, frozen_now):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    device = enrolled(people.lead)
    client = signed_in(people.lead)
    client.post("/account/second-factor/verify/", {"token": code_of(device)})
    r = client.post(f"/requests/{req.pk}/approve/", {"note": "看过"})
    assert r.status_code == 302
    approval = Approval.objects.get(request=req, approver=people.lead)
    assert approval.mode == ApprovalMode.IN_PERSON
    assert approval.sign_off_due_on is None and not approval.awaiting_sign_off
    entry = req.audit_entries.order_by("-pk").first()
    assert "看过" in entry.comment and entry.comment != "看过"


def test_an_approval_through_the_api_in_a_verified_session_says_so_in_the_audit(people, frozen_now):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    device = enrolled(people.lead)
    client = signed_in(people.lead)
    client.post("/account/second-factor/verify/", {"token": code_of(device)})
    r = client.post(
        f"/api/v1/requests/{req.pk}/approve/",
        {"note": "看过"},
        content_type="application/json",
        headers={"Idempotency-Key": "approve-2fa-1"},
    )
    assert r.status_code == 200, r.content
    entry = req.audit_entries.order_by("-pk").first()
    assert entry.comment.endswith("看过") and entry.comment != "看过"
    assert Approval.objects.get(request=req, approver=people.lead).sign_off_due_on is None
