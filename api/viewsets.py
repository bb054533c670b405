"""The base of every API viewset: reads filtered by the caller's branch, another branch's
object a 404, and an id that could not exist (too large, not a number) a 404 rather than a
database error."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from rest_framework import exceptions, viewsets

from accounts.models import Staff
from kernel.request_context import client_ip

MAX_ID = 2**31 - 1


class BranchViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]+"

    @property
    def staff(self) -> Staff:
        return self.request.user  # type: ignore[return-value]

    @property
    def client_ip(self) -> str | None:
        return client_ip(self.request)

    def get_object(self) -> Any:
        raw = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        if not raw.isdigit() or int(raw) > MAX_ID:
            raise exceptions.NotFound()
        return super().get_object()

    def locked_copy(self, obj: Model) -> Any:
        return type(obj).objects.get(pk=obj.pk)  # type: ignore[attr-defined]
