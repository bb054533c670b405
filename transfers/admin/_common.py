"""Helpers the transfers admin modules share: the acting staff member, a link to a request."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import Staff

from ..models import (
    TransferRequest,
)


def _staff(request: HttpRequest) -> Staff:
    return request.user  # type: ignore[return-value]


def _request_link(req: TransferRequest) -> str:
    url = reverse("admin:transfers_transferrequest_change", args=[req.pk])
    return format_html('<a href="{}">#{}</a>', url, req.pk)
