"""What every archives page shares: branch-scoped look-ups (another branch's object is a
404), role gates, and turning a service's refusal into a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from kernel.errors import ApplicationError
from kernel.request_context import acting_staff
from kernel.web import refusal

from ..models import (
    AccessRequest,
    ArchiveDocument,
    ArchiveRecord,
    DestructionRequest,
    IntegrityCheck,
    InventoryCheck,
)


def require(allowed: bool) -> None:
    """A page's gate: its app's predicate said no (archives/permissions.py)."""
    if not allowed:
        raise PermissionDenied


def branch_record(request: HttpRequest, pk: int) -> ArchiveRecord:
    return get_object_or_404(
        ArchiveRecord.objects.for_branch(acting_staff(request).branch).select_related(
            "customer", "transfer_request", "branch"
        ),
        pk=pk,
    )


def branch_document(request: HttpRequest, pk: int) -> ArchiveDocument:
    return get_object_or_404(
        ArchiveDocument.objects.filter(record__branch=acting_staff(request).branch).select_related(
            "record", "record__customer"
        ),
        pk=pk,
    )


def branch_access_request(request: HttpRequest, pk: int) -> AccessRequest:
    return get_object_or_404(
        AccessRequest.objects.filter(branch=acting_staff(request).branch).select_related(
            "record", "requested_by"
        ),
        pk=pk,
    )


def branch_inventory(request: HttpRequest, pk: int) -> InventoryCheck:
    return get_object_or_404(
        InventoryCheck.objects.filter(branch=acting_staff(request).branch), pk=pk
    )


def branch_destruction(request: HttpRequest, pk: int) -> DestructionRequest:
    return get_object_or_404(
        DestructionRequest.objects.filter(branch=acting_staff(request).branch), pk=pk
    )


def branch_integrity(request: HttpRequest, pk: int) -> IntegrityCheck:
    return get_object_or_404(
        IntegrityCheck.objects.filter(branch=acting_staff(request).branch), pk=pk
    )


def attempt(
    request: HttpRequest, call: Callable[[], Any], *, done: str, then: HttpResponse
) -> HttpResponse:
    """Runs one service call for a POST: success and refusal both come back as a message
    on the page the person came from (POST-redirect-GET)."""
    try:
        call()
    except ApplicationError as exc:
        refusal(request, exc)
    else:
        messages.success(request, done)
    return then


def back_to(name: str, *args: Any) -> HttpResponse:
    return redirect(name, *args)
