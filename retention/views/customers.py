"""A customer's retention page and what is started from it: a promise, a commission rate,
a complaint."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Customer
from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.params import record_number
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal
from transfers.models import TransferRequest

from ..forms import CommissionForm, CommitmentForm, ComplaintForm
from ..models import AtRiskFlag
from ..selectors import commission_range_for, customer_retention_badges
from ..services import commission_agree, commitment_create, complaint_record
from ._common import branch_object, status_for


def _customer(request: HttpRequest, pk: int) -> Customer:
    return branch_object(request, Customer.objects.select_related("branch", "account_manager"), pk)


def _request_of(request: HttpRequest, customer: Customer) -> TransferRequest | None:
    pk = record_number(request.GET.get("request") or request.POST.get("request"))
    if pk is None:
        return None
    return TransferRequest.objects.filter(customer=customer, pk=pk).first()


@login_required
def customer_retention(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    context = {
        "customer": customer,
        "badges": customer_retention_badges(customer),
        "commitments": customer.commitments.select_related("owner").order_by("status", "due_on"),
        "agreements": customer.commission_agreements.select_related("agreed_by", "decided_by"),
        "complaints": customer.complaints.all(),
        "memos": customer.work_memos.select_related("request"),
        "tasks": customer.retention_tasks.select_related("assigned_to", "team"),
        "flags": AtRiskFlag.objects.filter(customer=customer).order_by("-business_date")[:10],
        "today": beijing_today(),
    }
    return render(request, "retention/customer.html", context)


@login_required
def commitment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    user = acting_staff(request)
    req = _request_of(request, customer)
    initial = {"owner": customer.account_manager_id or user.pk}
    form = CommitmentForm(request.POST or None, branch_id=user.branch_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = commitment_create(
                customer=customer,
                actor=user,
                what=form.cleaned_data["what"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
                within_trading_days=form.cleaned_data["within_trading_days"],
                request=req,
                client_ip=client_ip(request),
            )
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            messages.success(
                request,
                _("Promise recorded, due {date}.").format(date=commitment.due_on.isoformat()),
            )
            if req is not None:
                return redirect("request_detail", req.pk)
            return redirect("retention_customer", customer.pk)
    return render(
        request,
        "retention/commitment_form.html",
        {"customer": customer, "form": form, "request_obj": req},
        status=status_for(form),
    )


@login_required
def commission_agree_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    user = acting_staff(request)
    req = _request_of(request, customer)
    form = CommissionForm(request.POST or None)
    band = commission_range_for(customer.branch_id, customer.tier)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = commission_agree(
                customer=customer,
                actor=user,
                rate=form.rate,
                request=req,
                note=form.cleaned_data["note"],
                client_ip=client_ip(request),
            )
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            messages.success(
                request,
                _("Commission {rate}: {status}.").format(
                    rate=agreement.rate_display, status=agreement.get_status_display()
                ),
            )
            return redirect("retention_customer", customer.pk)
    return render(
        request,
        "retention/commission_form.html",
        {"customer": customer, "form": form, "band": band, "request_obj": req},
        status=status_for(form),
    )


@login_required
def complaint_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint_record(
                customer=customer,
                actor=acting_staff(request),
                summary=form.cleaned_data["summary"],
                received_on=form.cleaned_data["received_on"],
            )
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            messages.success(request, _("Complaint recorded."))
            return redirect("retention_customer", customer.pk)
    return render(
        request,
        "retention/simple_form.html",
        {
            "form": form,
            "title": _("Record a complaint"),
            "subject": customer,
            "back": customer.pk,
            "back_url_name": "retention_customer",
        },
        status=status_for(form),
    )
