"""How often one caller may call: per principal (a system token, or a signed-in person),
per address for callers not signed in, and per address whoever calls (many tokens behind
one address share its ceiling). A caller over a rate gets a 429 with Retry-After.

The address is `kernel.request_context.client_ip`, the one place that decides whom to
trust for it, not DRF's reading of X-Forwarded-For. The rates are read from the settings at
each request (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]), not from DRF's copy taken when
the class is imported, so a test's override_settings reaches them; a rate of None or ""
turns that throttle off (the test settings and the benchmark's server do)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.idempotency import principal_of
from kernel.request_context import client_ip


class _LiveRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # An empty rate (API_RATE_PER_ADDRESS="") is off, like None.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or None

    def address(self, request: Request) -> str:
        return client_ip(request._request) or "unknown"

    def key_for(self, ident: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PrincipalRateThrottle(_LiveRateThrottle):
    """Per system token, or per person signed in: a token is throttled on its own, not
    with its acting person's browser session."""

    scope = "principal"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user is None or not request.user.is_authenticated:
            return None
        return self.key_for(principal_of(request))


class AnonRateThrottle(_LiveRateThrottle):
    """Callers not signed in, by address: the schema and its docs, which need no sign-in."""

    scope = "anon"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user is not None and request.user.is_authenticated:
            return None
        return self.key_for(self.address(request))


class AddressRateThrottle(_LiveRateThrottle):
    scope = "address"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.key_for(self.address(request))
