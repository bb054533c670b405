"""Helpers the transfers admin modules share: the acting staff member, a link to a request."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html

from ..models import (
    TransferRequest,
)


def _request_link(req: TransferRequest) -> str:
    url = reverse("admin:transfers_transferrequest_change", args=[req.pk])
    return format_html('<a href="{}">#{}</a>', url, req.pk)
