"""`Idempotency-Key` on every state-changing call. The first response (status and body, a
refusal included: a body that does not parse or validate binds the key as well as a
success) is stored with the key in the action's own transaction; a repeat by the same
principal gets it back and the action never runs twice. The same key with another request
is refused (422): the caller has a bug, and guessing which request they meant would be
worse."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import application_error_response, exception_handler
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


def _digest(request: Request, content: bytes) -> str:
    h = hashlib.sha256()
    h.update(request.method.encode() if request.method else b"")
    h.update(b"\0")
    h.update(request.path.encode())
    h.update(b"\0")
    h.update(content)
    return h.hexdigest()


def _content(request: Request) -> tuple[bytes, APIException | None]:
    """What the key is bound to: the parsed body, canonically (the same JSON with other
    spacing is the same request), or, for a body that cannot be parsed, its bytes, so that
    the refusal is bound too and the key cannot be spent again on another body."""
    try:
        data = request.data
    except APIException as exc:
        # The parser read the whole body into request.body before refusing it.
        return b"unparsed\0" + request.body, exc
    return json.dumps(data, sort_keys=True, default=str).encode(), None


def run_idempotent(request: Request, action: Callable[[], Response]) -> Response:
    """Run `action` once per (principal, key). Whatever the first call is answered with
    (done, a service's refusal, a body that does not parse or validate) is recorded with the
    key, so the key stays bound to that request; only a server error records nothing."""
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
    content, unparsed = _content(request)
    digest = _digest(request, content)
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
        response = _answer(request, action, unparsed)
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


def _answer(
    request: Request, action: Callable[[], Response], unparsed: Exception | None
) -> Response:
    if unparsed is not None:
        return _refusal(request, unparsed)
    savepoint = transaction.savepoint()
    try:
        response = action()
    except ApplicationError as exc:
        # A service that keeps part of a refused attempt on purpose (a wrong password is
        # counted) must keep it.
        transaction.savepoint_commit(savepoint)
        return application_error_response(exc)
    except Exception as exc:
        refusal = _refusal(request, exc)
        # Refused before any service decided (a field that does not validate): nothing the
        # action wrote stands.
        transaction.savepoint_rollback(savepoint)
        return refusal
    transaction.savepoint_commit(savepoint)
    return response


def _refusal(request: Request, exc: Exception) -> Response:
    """The API's answer to a refusal (api.errors); anything it does not answer is a server
    error and propagates, recording nothing."""
    answer = exception_handler(exc, {"request": request})
    if answer is None:
        raise exc
    return answer
