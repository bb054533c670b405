"""JR/T 0060 authentication: lockout after repeated failures, strong passwords, an idle
session that ends, cookies scripts cannot read, and a CSP that forbids inline script."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kernel.idle import IdleSessionMiddleware
from tests.accounts.factories import STAFF_PASSWORD


def _login(client, url, username, password, ip="10.0.0.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_five_failures_lock_the_account_from_that_address(client, people, url_name):
    url = reverse(url_name)
    for _try in range(5):
        _login(client, url, people.clerk.username, "wrong-password-1")
    locked = _login(client, url, people.clerk.username, STAFF_PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "已被锁定 30 分钟" in page and "locked from this address for 30 minutes" in page
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by someone guessing elsewhere.
    other = _login(client, url, people.clerk.username, STAFF_PASSWORD, ip="10.0.0.8")
    assert other.status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, people, frozen_now):
    url = reverse("login")
    for _try in range(5):
        _login(client, url, people.clerk.username, "wrong-password-1")
    assert _login(client, url, people.clerk.username, STAFF_PASSWORD).status_code == 429
    frozen_now.shift(dt.timedelta(minutes=31))
    assert _login(client, url, people.clerk.username, STAFF_PASSWORD).status_code == 302


def test_four_failures_do_not_lock(client, people):
    url = reverse("login")
    for _try in range(4):
        _login(client, url, people.clerk.username, "wrong-password-1")
    assert _login(client, url, people.clerk.username, STAFF_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password",
    ["short-1a", "onlylettersherebutlong", "123456789012345", "password1234"],
    ids=["too-short", "no-digit", "only-digits", "common"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_password_and_the_test_staff_password_pass():
    validate_password("Counter-desk-2026x")
    validate_password(STAFF_PASSWORD)


def test_an_idle_session_ends_after_thirty_minutes(client, people, frozen_now):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(people.clerk)
    assert client.get(reverse("home")).status_code == 200
    frozen_now.shift(dt.timedelta(minutes=20))
    assert client.get(reverse("home")).status_code == 200  # activity moves the expiry on
    frozen_now.shift(dt.timedelta(minutes=31))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_pages_a_few_seconds_apart_keep_a_session_alive_without_writing_it_each_time(
    client, people, frozen_now
):
    client.force_login(people.clerk)
    writes = 0
    # A page every 40 seconds for 45 minutes: never idle, so never signed out.
    for _page in range(68):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        writes += sum(1 for q in ctx.captured_queries if 'UPDATE "django_session"' in q["sql"])
        frozen_now.shift(dt.timedelta(seconds=40))
    # The expiry moved at most once a minute: about every other page, not every page.
    assert 30 <= writes <= 40


def test_a_cookie_naming_no_live_session_is_not_made_a_session(db):
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key="expiredsessionkey0000000000000000")
    IdleSessionMiddleware(lambda r: HttpResponse("ok"))(request)
    assert not request.session.modified and request.session.is_empty()


def test_a_session_idle_29_minutes_after_its_last_moved_expiry_still_serves(
    client, people, frozen_now
):
    client.force_login(people.clerk)
    assert client.get(reverse("home")).status_code == 200  # moves the expiry
    frozen_now.shift(dt.timedelta(seconds=50))
    assert client.get(reverse("home")).status_code == 200  # within the minute: not moved
    frozen_now.shift(dt.timedelta(minutes=29))
    assert client.get(reverse("home")).status_code == 200
    frozen_now.shift(dt.timedelta(minutes=31))
    assert client.get(reverse("home")).status_code == 302


def test_pages_carry_the_security_headers(client, people):
    client.force_login(people.clerk)
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Permissions-Policy" in response
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_no_page_has_inline_script(client, people):
    """The CSP forbids inline script, so no template may rely on one."""
    client.force_login(people.clerk)
    for name in ("home", "customer_search", "request_list"):
        page = client.get(reverse(name)).content.decode()
        assert "<script>" not in page and " onchange=" not in page and " onclick=" not in page
