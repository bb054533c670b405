"""Promises: the owner's list, the branch's overdue ones, keeping and cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .. import permissions
from ..forms import CancelForm, EvidenceForm
from ..models import Commitment
from ..selectors import commitments_for_owner, overdue_commitments
from ..services import commitment_cancel, commitment_keep
from ._common import branch_object, require_reader, safe_next, status_for


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require_reader(user)
    today = beijing_today()
    return render(
        request,
        "retention/commitments.html",
        {
            "mine": commitments_for_owner(owner=user),
            "overdue": overdue_commitments(branch_id=user.branch_id, today=today),
            "today": today,
        },
    )


def _close(request: HttpRequest, pk: int, *, keep: bool) -> HttpResponse:
    commitment = branch_object(
        request, Commitment.objects.select_related("customer", "customer__branch", "owner"), pk
    )
    form = (EvidenceForm if keep else CancelForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if keep:
                commitment_keep(
                    commitment=commitment,
                    actor=acting_staff(request),
                    evidence=form.cleaned_data["evidence"],
                    client_ip=client_ip(request),
                )
                messages.success(request, _("Marked as kept."))
            else:
                commitment_cancel(
                    commitment=commitment,
                    actor=acting_staff(request),
                    reason=form.cleaned_data["reason"],
                    client_ip=client_ip(request),
                )
                messages.success(request, _("Commitment cancelled."))
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            return redirect(safe_next(request, reverse("retention_commitments")))
    return render(
        request,
        "retention/commitment_close.html",
        {
            "commitment": commitment,
            "form": form,
            "keep": keep,
            "may_close": permissions.commitment_actions(commitment, acting_staff(request))[
                "keep" if keep else "cancel"
            ],
        },
        status=status_for(form),
    )


@login_required
def commitment_keep_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(request, pk, keep=True)


@login_required
def commitment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(request, pk, keep=False)
