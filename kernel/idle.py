"""An idle session ends after SESSION_COOKIE_AGE (30 minutes, JR/T 0060): each page moves the
session's expiry forward, but at most once a minute, so a page does not write its session
row every time it is read. The session then ends between 29 and 30 minutes after the last
page, never later."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SEEN = "_idle_seen"  # when the expiry was last moved, in whole seconds since the epoch
REFRESH_SECONDS = 60


class IdleSessionMiddleware:
    """Just inside Django's SessionMiddleware, which saves a session that was changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session  # type: ignore[attr-defined]
        # No session (nobody signed in) or one just ended (signed out): nothing to move.
        if session.session_key is None:
            return response
        seen = int(session.get(SEEN, 0))
        # Reading it found no live session (the cookie's had expired): none is made here.
        if session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        if now - seen >= REFRESH_SECONDS:
            session[SEEN] = now
        return response
