"""What every transfer page shares: branch-scoped look-ups, the reader gate, the client IP."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Staff
from kernel.request_context import acting_staff

from .. import permissions
from ..models import TransferRequest


def require_reader(user: Staff) -> None:
    """The archivist and company head work on the archives, not on requests."""
    if not permissions.reads_requests(user):
        raise PermissionDenied


def branch_request(
    request: HttpRequest, pk: int, *, queryset: QuerySet[TransferRequest] | None = None
) -> TransferRequest:
    """A request of the user's own branch; another branch's is a 404. `queryset`: what to
    load with it (already limited to the branch), when the page needs more."""
    user = acting_staff(request)
    if queryset is None:
        queryset = TransferRequest.objects.for_branch(user.branch).select_related(
            "customer", "customer__branch", "branch"
        )
    req = get_object_or_404(queryset, pk=pk)
    require_reader(user)
    return req
