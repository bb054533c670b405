"""What a page, admin action or API call knows of who is acting and from where, written to
every audit and access-log row."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, resolved here once for the audit trail, the access logs, the
    sign-in lockout (``AXES_CLIENT_IP_CALLABLE``) and the API's throttles.

    Behind ``PROXY_COUNT`` trusted reverse proxies, REMOTE_ADDR is the nearest proxy's and each
    proxy appends the address it was reached from to X-Forwarded-For, so the client is the
    PROXY_COUNT-th entry from the right. Anything further left was sent by the client itself
    and is never read: a forged leftmost entry changes nothing. A request whose header is
    shorter than the chain, or whose entry is not an address, did not come through the
    proxies as configured; its REMOTE_ADDR, which nobody can forge, is used instead.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    hops: int = settings.PROXY_COUNT
    if hops <= 0:
        return peer
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < hops:
        return peer
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return peer


def acting_staff(request: HttpRequest) -> Any:
    """The signed-in staff member a page acts for (every page that asks requires login).
    Typed loosely: the kernel knows no app's user model."""
    return request.user
