"""`Idempotency-Key` on every state-changing call. The first response (status and body, an
error included) is stored with the key in the action's own transaction; a repeat by the
same principal gets it back and the action never runs twice. The same key with another
request is refused (422): the caller has a bug, and guessing which request they meant
would be worse."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import application_error_response
from api.models import IdempotencyRecord, SystemToken
from kernel.errors import ApplicationError, Conflict, InvalidInput


class KeyReused(ApplicationError):
    """The key names an earlier call with another body: refused, never answered from the
    earlier call's record."""

    status = 422
    default_code = "idempotency_key_reused"


HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def principal_of(request: Request) -> str:
    if isinstance(request.auth, SystemToken):
        return f"token:{request.auth.pk}"
    return f"staff:{request.user.pk}"


def _digest(request: Request) -> str:
    h = hashlib.sha256()
    h.update(request.method.encode() if request.method else b"")
    h.update(b"\0")
    h.update(request.path.encode())
    h.update(b"\0")
    # The parsed body, canonically: the same JSON with other spacing is the same request.
    h.update(json.dumps(request.data, sort_keys=True, default=str).encode())
    return h.hexdigest()


def run_idempotent(request: Request, action: Callable[[], Response]) -> Response:
    """Run `action` once per (principal, key). ApplicationErrors become their error
    response here, so a refused action is remembered like an accepted one."""
    key = request.headers.get(HEADER)
    if key is None:
        try:
            return action()
        except ApplicationError as exc:
            return application_error_response(exc)
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            _("An Idempotency-Key has 1 to {n} characters.").format(n=MAX_KEY_LENGTH),
            details={"header": HEADER},
        )
    principal = principal_of(request)
    digest = _digest(request)
    with transaction.atomic():
        earlier = (
            IdempotencyRecord.objects.select_for_update()
            .filter(principal=principal, key=key)
            .first()
        )
        if earlier is not None:
            if earlier.request_digest != digest:
                raise KeyReused(
                    _("This Idempotency-Key was already used for a different request."),
                    details={"header": HEADER},
                )
            replay = Response(earlier.body, status=earlier.status_code)
            replay["Idempotent-Replayed"] = "true"
            return replay
        # No savepoint of our own around the action: a service that keeps part of a refused
        # attempt on purpose (a wrong password is counted) must keep it.
        try:
            response = action()
        except ApplicationError as exc:
            response = application_error_response(exc)
        body = json.loads(JSONRenderer().render(response.data) or b"null")
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    principal=principal,
                    key=key,
                    request_digest=digest,
                    status_code=response.status_code,
                    body=body,
                )
        except IntegrityError as exc:
            # Two calls with one key at once: the other won; this one's action must not stand.
            raise Conflict(
                _("A request with this Idempotency-Key is in progress; retry it."),
                details={"header": HEADER},
            ) from exc
        return response
