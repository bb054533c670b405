"""One error shape for the whole API: {"code", "message", "details"}. A service's refusal
answers with the status its type says (kernel.errors: invalid input 400, forbidden 403, not
found 404, conflict and invalid state 409); DRF's own errors keep their status with a stable
code; bad input is a 400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE a 413), never a 500 nor
Django's HTML page."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

from kernel.errors import ApplicationError

# Statuses every operation documents (a 422 only where an Idempotency-Key is honoured).
ERROR_STATUSES = (400, 401, 403, 404, 429)


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "body_too_large"


class BadRequest(exceptions.APIException):
    status_code = 400
    default_code = "bad_request"


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable, machine-readable code.")
    message = serializers.CharField(help_text="A readable message in the caller's language.")
    details = serializers.DictField(
        child=serializers.JSONField(), help_text="Structured details, e.g. field errors."
    )


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    if not isinstance(details, dict):
        details = {"items": details} if details else {}
    return {"code": code, "message": str(message), "details": details}


def application_error_response(exc: ApplicationError) -> Response:
    return Response(error_body(exc.code, exc.message, exc.details), status=exc.status)


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        set_rollback()
        return application_error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        exc = _refused_as_suspicious(exc)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real server error: let it surface, never dress it up
    set_rollback()
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        # Whole seconds (RFC 9110 §10.2.3), rounded up so a client that obeys is let in.
        headers["Retry-After"] = str(math.ceil(exc.wait))  # type: ignore[attr-defined]
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body("invalid", _("Not done: check the fields in details."), _plain(detail))
        body["message"] = f"{body['message']} {_first_message(detail)}".strip()
        return Response(body, status=400, headers=headers)
    code = exc.get_codes()
    code = code if isinstance(code, str) else exc.default_code
    if code == "permission_denied":
        code = "forbidden"
    message = exc.detail if isinstance(exc.detail, str) else _first_message(exc.detail)
    return Response(error_body(str(code), str(message)), status=exc.status_code, headers=headers)


def _refused_as_suspicious(exc: SuspiciousOperation) -> exceptions.APIException:
    """What Django would answer with its HTML 400 page (a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields), in the API's shape; logged where Django
    logs it, so the security log still sees it."""
    logging.getLogger(f"django.security.{type(exc).__name__}").error(str(exc))
    if isinstance(exc, RequestDataTooBig):
        return BodyTooLarge(
            _("The body is larger than {n} bytes.").format(n=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        )
    return BadRequest(_("The request was refused as malformed."))


def _plain(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(k): _plain(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_plain(v) for v in detail]
    return str(detail)
