"""The second factor (django-otp): a TOTP app, and ten one-time recovery codes for the day
the phone is lost. Who owes one: whoever has enrolled a device (every sign-in asks for a
code), and every holder of a role in settings.OTP_REQUIRED_ROLES (who is sent to enrol
first). Until the code is given, the session reaches only the sign-in, sign-out and
second-factor pages — the admin too — and the API refuses it (api/permissions.py).

Cost: with OTP_REQUIRED_ROLES empty (the demo), a page asks nothing of the database for
this; whether the person has a device is looked up once, at sign-in, and kept in the session."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kernel.errors import InvalidInput

from .models import Staff

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"
# Set at sign-in for a person who has a confirmed device: the session owes a code.
SESSION_DUE = "second_factor_due"

VERIFY = "verify"
ENROL = "enrol"

# Pages a session that owes a second factor may still reach: signing in and out, the
# second factor's own pages, the language switch, static files; the API answers for itself.
_OPEN_PREFIXES = (
    *("/login/", "/logout/", "/account/second-factor/", "/i18n/", "/static/", "/api/"),
    # The load balancer's and the monitor's endpoints (operations/) hold no page to protect.
    *("/health/", "/metrics"),
)


def is_verified(user: Any) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def required_for(user: Staff) -> bool:
    roles = settings.OTP_REQUIRED_ROLES
    return bool(roles) and user.has_role(*roles)


def has_device(user: Staff) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def pending(request: HttpRequest) -> str | None:
    """What this session still owes: VERIFY (a code from the person's device), ENROL (a
    device first: their role requires one), or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or is_verified(user):
        return None
    if request.session.get(SESSION_DUE):
        return VERIFY
    if required_for(user):
        return VERIFY if has_device(user) else ENROL
    return None


@receiver(user_logged_in, dispatch_uid="accounts.second_factor_due")
def _note_device_at_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kw: Any) -> None:
    if request is None or not hasattr(request, "session") or not isinstance(user, Staff):
        return
    if has_device(user):
        request.session[SESSION_DUE] = True


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: a session that owes a second factor is sent to
    give it, whatever page (or admin page) it asked for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_OPEN_PREFIXES):
            owed = pending(request)
            if owed is not None:
                target = reverse("second_factor_verify" if owed == VERIFY else "second_factor")
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{target}?{query}")
        return self.get_response(request)


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    # A path of this site only: a bare word would be read by redirect() as a view's name.
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


# --- services ---------------------------------------------------------------------------


def second_factor_enrolment_start(*, user: Staff) -> TOTPDevice:
    """The device being enrolled: a new secret, kept unconfirmed until a code from it is
    given, so a scan that failed leaves the person's confirmed device as it was."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name=DEVICE_NAME)
    return device


@transaction.atomic
def second_factor_enrolment_confirm(*, request: HttpRequest, user: Staff, token: str) -> list[str]:
    """The first code from the app confirms the device (replacing any earlier one) and
    verifies this session; returns ten new recovery codes, shown this once."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False, name=DEVICE_NAME)
        .first()
    )
    token = (token or "").strip().replace(" ", "")
    if device is None:
        raise InvalidInput(_("Start again: open the second-factor page to get a new code."))
    if not token.isdigit() or not device.verify_token(token):
        raise InvalidInput(
            _("That code does not match: check the phone's clock and type the current code.")
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    django_otp.login(request, device)
    request.session.pop(SESSION_DUE, None)
    return codes


def second_factor_verify(*, request: HttpRequest, user: Staff, token: str) -> None:
    """A code from the app, or one of the recovery codes (each works once), verifies this
    session. django-otp slows repeated wrong codes down on each device."""
    token = (token or "").strip().replace(" ", "")
    device = django_otp.match_token(user, token) if token else None
    if device is None:
        held_back = any(
            not d.verify_is_allowed()[0] for d in django_otp.devices_for_user(user, confirmed=True)
        )
        if held_back:
            raise InvalidInput(
                _("After a wrong code the next is accepted only a little later: wait and retry.")
            )
        raise InvalidInput(_("That code is not right, or was already used. Try again."))
    django_otp.login(request, device)
    request.session.pop(SESSION_DUE, None)


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG image, for an <img> (CSP's img-src allows data:)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_text(device: TOTPDevice) -> str:
    """The secret as an app asks to have it typed: base32, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
