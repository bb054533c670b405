"""The endpoints a load balancer and a monitor call: no session, no sign-in, no personal data."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from kernel.request_context import client_ip

from .checks import readiness
from .metrics import metrics_exposition


@require_safe
@never_cache
def live(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is asked, so a database outage does not make the
    orchestrator restart every instance at once."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """503 while any check fails, so the load balancer sends this instance no work."""
    results = readiness()
    ok = all(result.ok for result in results.values())
    return JsonResponse(
        {
            "status": "ok" if ok else "failing",
            "checks": {name: result.as_json() for name, result in results.items()},
        },
        status=200 if ok else 503,
    )


def _address_allowed(address: str | None) -> bool:
    if not address:
        return False
    try:
        caller = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_IPS:
        try:
            if caller in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue  # a mistyped entry allows nobody, rather than failing every scrape
    return False


def _token_presented(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    presented = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(presented.encode(), f"Bearer {token}".encode())


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The figures tell an outsider how busy the branch is and which views exist: only the
    monitor, by its token or its address, may read them. Nothing configured, nothing here."""
    if not settings.METRICS_TOKEN and not settings.METRICS_ALLOWED_IPS:
        raise Http404
    if not (_token_presented(request) or _address_allowed(client_ip(request))):
        return HttpResponse(
            _(
                "Present the metrics token (Authorization: Bearer …) or scrape from an allowed "
                "address."
            ),
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(metrics_exposition(), content_type=CONTENT_TYPE_LATEST)
