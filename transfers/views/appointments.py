"""Art. 18 appointments from the customer page: booked with the marketing director or the
general manager, who record what they learned."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Customer
from kernel.errors import ApplicationError
from kernel.request_context import acting_staff
from kernel.web import refusal

from .. import services
from ..forms import AppointmentBookForm, AppointmentFindingsForm
from ..models import Appointment


def _form_errors(form) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def appointment_book(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_staff(request)
    customer = get_object_or_404(Customer.objects.for_branch(user.branch), pk=pk)
    # The service lets anyone of the branch book; the pages leave it to those whose role
    # holds appointments (the auditor changes nothing).
    if not user.has_perm("transfers.add_appointment"):
        raise PermissionDenied
    form = AppointmentBookForm(request.POST, branch=user.branch)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("customer_detail", pk=customer.pk)
    try:
        services.appointment_book(
            customer=customer,
            host=form.cleaned_data["host"],
            actor=user,
            findings=form.cleaned_data["findings"],
        )
    except ApplicationError as exc:
        refusal(request, exc)
    else:
        messages.success(request, _("Appointment booked."))
    return redirect("customer_detail", pk=customer.pk)


@login_required
@require_POST
def appointment_findings(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_staff(request)
    appointment = get_object_or_404(Appointment.objects.filter(branch=user.branch), pk=pk)
    if not user.has_perm("transfers.change_appointment"):
        raise PermissionDenied
    form = AppointmentFindingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("customer_detail", pk=appointment.customer_id)
    try:
        services.appointment_record_findings(
            appointment=appointment, actor=user, findings=form.cleaned_data["findings"]
        )
    except ApplicationError as exc:
        refusal(request, exc)
    else:
        messages.success(request, _("What was learned is recorded."))
    return redirect("customer_detail", pk=appointment.customer_id)
