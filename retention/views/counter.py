"""The retention side of a request: the playbook panel's target, and a page of its own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.errors import ApplicationError
from kernel.params import record_number
from kernel.request_context import acting_staff
from kernel.web import refusal
from transfers.models import TransferRequest

from ..forms import AttemptForm
from ..models import Playbook
from ..selectors import playbook_panel_context
from ..services import attempt_record
from ._common import branch_object, safe_next


def _request(request: HttpRequest, pk: int) -> TransferRequest:
    return branch_object(
        request,
        TransferRequest.objects.select_related(
            "customer", "customer__branch", "customer__account_manager", "branch", "primary_reason"
        ),
        pk,
    )


@login_required
def request_retention(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request(request, pk)
    return render(
        request,
        "retention/request_retention.html",
        {"request_obj": req, "panel": playbook_panel_context(req)},
    )


@login_required
@require_POST
def attempt_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request(request, pk)
    back = safe_next(request, reverse("retention_request", args=[req.pk]))
    playbook = get_object_or_404(Playbook, pk=record_number(request.POST.get("playbook")) or 0)
    form = AttemptForm(request.POST, playbook=playbook)
    if not form.is_valid():
        messages.error(request, _("Tick only the steps of the playbook shown."))
        return redirect(back)
    try:
        attempt_record(
            request=req,
            actor=acting_staff(request),
            playbook=playbook,
            steps_done=form.cleaned_data["steps"],
            customer_answer=form.cleaned_data["customer_answer"],
        )
    except ApplicationError as error:
        refusal(request, error)
    else:
        messages.success(request, _("What was done and the customer's answer are recorded."))
    return redirect(back)
