"""What a page, admin action or API call knows of who is acting and from where, written to
every audit and access-log row."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address written to the audit trail. Behind a proxy, REMOTE_ADDR is what the proxy
    sets; a forwarded header a client can forge is not trusted here."""
    return request.META.get("REMOTE_ADDR") or None


def client_address(request: HttpRequest) -> str | None:
    """Where a request comes from, for anything that counts or records callers by address
    (the API's throttles). One function, so that trusting a proxy's header is decided in one
    place: REMOTE_ADDR, which a client cannot forge."""
    return request.META.get("REMOTE_ADDR") or None


def acting_staff(request: HttpRequest) -> Any:
    """The signed-in staff member a page acts for (every page that asks requires login).
    Typed loosely: the kernel knows no app's user model."""
    return request.user
