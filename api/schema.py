"""Every operation documents the one error body for the statuses it can answer with: a 429
with its Retry-After header on each (api/throttling.py), a 413 (a body over the size limit)
wherever a body is read."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions

from api.errors import ERROR_STATUSES, ErrorSerializer
from api.idempotency import HEADER, MAX_KEY_LENGTH
from api.viewsets import MAX_ID


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        statuses = list(ERROR_STATUSES)
        if self.method not in permissions.SAFE_METHODS:
            statuses += [409, 413, 422]
        for status in statuses:
            responses.setdefault(
                str(status), self._get_response_for_code(ErrorSerializer, str(status))
            )
        return responses

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        parameters.append(
            OpenApiParameter(
                "Retry-After",
                {"type": "integer", "minimum": 1},
                location=OpenApiParameter.HEADER,
                response=[429],
                description="Seconds to wait before calling again: this token, person or "
                "address called more often than its rate allows.",
            )
        )
        if "{id}" in self.path:
            # The ids the router accepts: a positive number the database can hold.
            parameters.append(
                OpenApiParameter(
                    "id",
                    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    location=OpenApiParameter.PATH,
                )
            )
        if self.method not in permissions.SAFE_METHODS:
            parameters.append(
                OpenApiParameter(
                    HEADER,
                    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
                    location=OpenApiParameter.HEADER,
                    required=False,
                    description="Repeat a call safely: the first response comes back and "
                    "the action runs once.",
                )
            )
        return parameters


class SystemTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SystemTokenAuthentication"
    name = "systemToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: a system token of one branch, with scopes "
            "(manage.py issue_system_token).",
        }
