"""The sign-in lockout (JR/T 0060): django-axes' database handler, with a limit of its own for
each lockout parameter (axes has one limit for all).

Two counts stop two attacks: failures for one username from one address (guessing a
password, ``AXES_FAILURE_LIMIT``) and failures from one address whatever the usernames
(password spraying: one try for each of many usernames, ``SIGNIN_FAILURE_LIMITS``). Both are
kept per client address as ``kernel.request_context.client_ip`` resolves it behind the proxies,
so a client locks out only itself."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def _parameter_name(parameter: str | list[str]) -> str:
    return parameter if isinstance(parameter, str) else "+".join(parameter)


class SigninLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """How near the nearest count is to its own limit, in units of AXES_FAILURE_LIMIT,
        the one limit axes compares with: it reaches AXES_FAILURE_LIMIT exactly when some
        count reaches its own limit (f * unit // limit >= unit  <=>  f >= limit).

        Notes on the request which count locked it, for the lockout page's wording."""
        unit: int = settings.AXES_FAILURE_LIMIT
        nearest = 0
        exhausted = set()
        counts = zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials),
            strict=True,
        )
        for parameter, attempts in counts:
            name = _parameter_name(parameter)
            limit: int = settings.SIGNIN_FAILURE_LIMITS.get(name, unit)
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            nearest = max(nearest, failures * unit // limit)
            if failures >= limit:
                exhausted.add(name)
        request.signin_address_locked = "ip_address" in exhausted  # type: ignore[attr-defined]
        return nearest

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """A successful sign-in forgives that username's failures from that address, and only
        those: a sprayer who knows one password must not wipe the address's count of the
        usernames it tried (axes' own reset deletes every count the request belongs to)."""
        forgiven, _by_model = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        ).delete()
        return forgiven
