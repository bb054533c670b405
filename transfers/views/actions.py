"""The request page's actions. Each posts to its own URL, parses its form and calls exactly
one service; a refusal comes back as a message on the request page, never a 500. Success
redirects to the request page (POST-redirect-GET)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from accounts import second_factor
from accounts.models import Staff
from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .. import services
from ..forms import (
    ApproveForm,
    CommentForm,
    CompleteForm,
    DeferForm,
    DisputeForm,
    DocumentsForm,
    PasswordForm,
    PhoneApprovalForm,
    ReasonForm,
    RefuseForm,
    SendBackForm,
    UnlockForm,
)
from ..models import Approval, TransferRequest, TransferState, required_documents
from ._common import branch_request
from .requests import render_detail

Call = Callable[[TransferRequest, Staff, dict[str, Any], str | None], Any]


def _run(
    request: HttpRequest,
    pk: int,
    *,
    call: Call,
    done: str,
    form: forms.Form | None = None,
    form_name: str = "",
) -> HttpResponse:
    req = branch_request(request, pk)
    if request.method != "POST":
        return redirect("request_detail", pk=req.pk)
    user = acting_staff(request)
    if form is not None and not form.is_valid():
        messages.error(request, _("Not done: check the fields marked below."))
        return render_detail(request, req, status=400, **{form_name: form})
    try:
        call(req, user, form.cleaned_data if form is not None else {}, client_ip(request))
    except ApplicationError as exc:
        refusal(request, exc)
        if form is not None:
            # Re-render so what was entered (ticks, dates, text) stays as it was.
            return render_detail(request, req, status=400, **{form_name: form})
        return redirect("request_detail", pk=req.pk)
    messages.success(request, done)
    return redirect("request_detail", pk=req.pk)


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@login_required
def request_documents(request: HttpRequest, pk: int) -> HttpResponse:
    req = branch_request(request, pk)
    kinds = required_documents(customer_kind=req.customer.kind, by_agent=req.by_agent)
    return _run(
        request,
        pk,
        form=DocumentsForm(_post(request), kinds=kinds),
        form_name="documents_form",
        done=_("Documents verified."),
        call=lambda req, user, data, ip: services.transfer_documents_verify(
            request=req, actor=user, checked=data["checked"], client_ip=ip
        ),
    )


@login_required
def request_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        form=RefuseForm(_post(request)),
        form_name="refuse_form",
        done=_("The request is refused."),
        call=lambda req, user, data, ip: services.transfer_refuse(
            request=req, actor=user, reason=data["reason"], client_ip=ip
        ),
    )


@login_required
def request_reason(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        form=ReasonForm(_post(request)),
        form_name="reason_form",
        done=_("Reason recorded."),
        call=lambda req, user, data, ip: services.transfer_reason_record(
            request=req,
            actor=user,
            primary_reason=data["primary_reason"],
            other_reasons=data["other_reasons"],
            note=data["note"],
            client_ip=ip,
        ),
    )


@login_required
def request_stays(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        form=CommentForm(_post(request)),
        form_name="stays_form",
        done=_("The customer stays: the request is withdrawn."),
        call=lambda req, user, data, ip: services.transfer_customer_stays(
            request=req, actor=user, comment=data["comment"], client_ip=ip
        ),
    )


@login_required
def request_defer(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        form=DeferForm(_post(request)),
        form_name="defer_form",
        done=_("The customer defers; follow up on the date given."),
        call=lambda req, user, data, ip: services.transfer_defer(
            request=req,
            actor=user,
            follow_up_on=data["follow_up_on"],
            comment=data["comment"],
            client_ip=ip,
        ),
    )


@login_required
def request_go_on(request: HttpRequest, pk: int) -> HttpResponse:
    # The customer insists: one click, no form to fill (retention is never forced).
    return _run(
        request,
        pk,
        done=_("The customer goes on: the request now waits for approval."),
        call=lambda req, user, data, ip: services.transfer_go_on(
            request=req, actor=user, client_ip=ip
        ),
    )


@login_required
def request_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        done=_("The customer goes on after deferring: the request waits for approval again."),
        call=lambda req, user, data, ip: services.transfer_resume(
            request=req, actor=user, client_ip=ip
        ),
    )


@login_required
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        form=ApproveForm(_post(request)),
        form_name="approve_form",
        done=_("Your approval is recorded."),
        call=lambda req, user, data, ip: services.transfer_approve(
            request=req,
            actor=user,
            note=data["note"],
            client_ip=ip,
            second_factor=second_factor.is_verified(request.user),
        ),
    )


@login_required
def request_phone_approval(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_staff(request)
    return _run(
        request,
        pk,
        form=PhoneApprovalForm(_post(request), branch=user.branch, exclude=user),
        form_name="phone_form",
        done=_("Phone approval recorded; the written sign-off is due by the next trading day."),
        call=lambda req, user, data, ip: services.transfer_record_phone_approval(
            request=req, actor=user, approver=data["approver"], note=data["note"], client_ip=ip
        ),
    )


@login_required
def request_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        form=SendBackForm(_post(request)),
        form_name="send_back_form",
        done=_("Sent back to the counter."),
        call=lambda req, user, data, ip: services.transfer_send_back(
            request=req, actor=user, comment=data["comment"], client_ip=ip
        ),
    )


def _warn_if_blocked(request: HttpRequest, req: TransferRequest) -> None:
    if req.state == TransferState.BLOCKED:
        messages.warning(
            request,
            _("The request is blocked (Art. 16): {conditions}").format(
                conditions=" ".join(c["message"] for c in req.blocking_conditions)
            ),
        )


@login_required
def request_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    def call(req: TransferRequest, user: Staff, data: dict, ip: str | None) -> None:
        _warn_if_blocked(request, services.transfer_recheck(request=req, actor=user, client_ip=ip))

    return _run(request, pk, done=_("Blocking conditions checked again."), call=call)


@login_required
def request_start_processing(request: HttpRequest, pk: int) -> HttpResponse:
    def call(req: TransferRequest, user: Staff, data: dict, ip: str | None) -> None:
        # Art. 16: checked once more right before processing; a block is kept on record.
        _warn_if_blocked(
            request, services.transfer_start_processing(request=req, actor=user, client_ip=ip)
        )

    return _run(request, pk, done=_("Blocking conditions checked."), call=call)


@sensitive_variables("password")
def _confirm_password(
    req: TransferRequest, user: Staff, data: dict[str, Any], ip: str | None
) -> None:
    services.transfer_confirm_password(
        request=req, actor=user, password=data["password"], client_ip=ip
    )


@sensitive_post_parameters("password")
@login_required
def request_password(request: HttpRequest, pk: int) -> HttpResponse:
    # No form is re-rendered here: whatever happens, the password never goes back to the page.
    form = PasswordForm(_post(request))
    req = branch_request(request, pk)
    if request.method != "POST":
        return redirect("request_detail", pk=req.pk)
    if not form.is_valid():
        messages.error(request, _("The customer has not typed the password."))
        return redirect("request_detail", pk=req.pk)
    try:
        _confirm_password(req, acting_staff(request), form.cleaned_data, client_ip(request))
    except ApplicationError as exc:
        refusal(request, exc)
    else:
        messages.success(request, _("The customer has confirmed with their password."))
    return redirect("request_detail", pk=req.pk)


@login_required
def request_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        form=UnlockForm(_post(request)),
        form_name="unlock_form",
        done=_("Unlocked: the customer may type the password again."),
        call=lambda req, user, data, ip: services.transfer_unlock_password(
            request=req, actor=user, comment=data["comment"], client_ip=ip
        ),
    )


@login_required
def request_complete(request: HttpRequest, pk: int) -> HttpResponse:
    req = branch_request(request, pk)
    return _run(
        request,
        pk,
        form=CompleteForm(_post(request), kinds=services.required_retained(req)),
        form_name="complete_form",
        done=_("Completed. Print the receipt for the customer."),
        call=lambda req, user, data, ip: services.transfer_complete(
            request=req, actor=user, retained=data["retained"], client_ip=ip
        ),
    )


@login_required
def request_close_account(request: HttpRequest, pk: int) -> HttpResponse:
    """Art. 19: the closure that waited finishes once the core system shows it may."""
    return _run(
        request,
        pk,
        done=_("The fund account is closed."),
        call=lambda req, user, data, ip: services.transfer_close_account(
            request=req, actor=user, client_ip=ip
        ),
    )


@login_required
@require_POST
def approval_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    """Art. 17: the approver disputes a phone approval recorded in their name, from the link
    they were sent; they come back to the request page either way."""
    user = acting_staff(request)
    approval = get_object_or_404(
        Approval.objects.filter(request__branch=user.branch).select_related("request"), pk=pk
    )
    req = branch_request(request, approval.request_id)
    form = DisputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not done: check the fields marked below."))
        return render_detail(request, req, status=400, dispute_form=form)
    try:
        services.approval_dispute(
            approval=approval,
            actor=user,
            reason=form.cleaned_data["reason"],
            client_ip=client_ip(request),
        )
    except ApplicationError as exc:
        refusal(request, exc)
        return render_detail(request, req, status=400, dispute_form=form)
    messages.success(
        request,
        _("Your dispute is recorded; the directors and the clerk have been told."),
    )
    return redirect("request_detail", pk=req.pk)
