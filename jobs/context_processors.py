"""What every page shows about the trading calendar's horizon."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kernel.calendar import calendar_outlook

from .permissions import is_calendar_watcher


def calendar_notice(request: HttpRequest) -> dict[str, Any]:
    """The calendar keeper and the general manager are warned from CALENDAR_WARNING_DAYS
    before the confirmed calendar ends; everyone sees when a provisional year is in use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    outlook = calendar_outlook()
    if not outlook.warns:
        return {}
    return {
        "calendar_outlook": outlook,
        "calendar_watcher": is_calendar_watcher(user),
    }
