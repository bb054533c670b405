"""The fund accounts ready to close (Art. 19), as the latest sweep found them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kernel.request_context import acting_staff

from .. import permissions
from ..selectors import closure_candidates_latest


@login_required
def closure_list(request: HttpRequest) -> HttpResponse:
    """The fund accounts the latest sweep found ready to close, for the counter lead."""
    user = acting_staff(request)
    if not permissions.sees_closure_candidates(user):
        raise PermissionDenied
    found_on, candidates = closure_candidates_latest(branch_id=user.branch_id)
    return render(
        request,
        "transfers/closure_list.html",
        {
            "found_on": found_on,
            "candidates": candidates,
            "is_counter": permissions.works_counter(user),
        },
    )
