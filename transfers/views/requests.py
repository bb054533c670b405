"""Starting a request, the request page, and the branch's list of requests."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Customer
from accounts.pii import customer_match_q, pii_digest
from accounts.selectors import customer_name_for
from kernel.calendar import TradingCalendar, beijing_today
from kernel.errors import ApplicationError
from kernel.params import query_text
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .. import permissions, selectors, services
from ..foresight import Outlook, request_outlook
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
    RecallForm,
    RefuseForm,
    SendBackForm,
    TransferRequestForm,
    UnlockForm,
)
from ..models import ENDED_STATES, TransferRequest, TransferState, required_documents
from ..selectors_waiting import waiting_for
from ..services.processing import MAX_PASSWORD_TRIES
from ..services.recall import approvals_falling
from ._common import branch_request, require_reader

S = TransferState


def detail_context(
    request: HttpRequest, req: TransferRequest, *, loaded: bool = False, **forms: Any
) -> dict[str, Any]:
    """Everything the request page shows. A failed action passes its bound form in `forms`
    so what the clerk entered (e.g. the ticks) stays on the page; its request is read again,
    as the failure left it. `loaded`: req comes from request_detail_queryset already."""
    user = acting_staff(request)
    if not loaded:
        req = selectors.request_detail_queryset(user.branch_id).get(pk=req.pk)
    days_left = selectors.trading_days_left(req, today=beijing_today(), calendar=TradingCalendar())
    kinds = required_documents(customer_kind=req.customer.kind, by_agent=req.by_agent)
    checked = {c.kind: c for c in req.document_checks.all()}
    retained_kinds = services.required_retained(req)
    can = permissions.available_actions(req, user)
    closure_missing = (
        services.closure_conditions_missing(req)
        if req.wants_closure and req.state not in ENDED_STATES
        else []
    )
    defaults: dict[str, Any] = {
        "documents_form": DocumentsForm(kinds=kinds),
        "refuse_form": RefuseForm(),
        "reason_form": ReasonForm(
            initial={
                "primary_reason": req.primary_reason_id,
                "other_reasons": [r.pk for r in req.other_reasons.all()],
                "note": req.reason_note,
            }
        ),
        "stays_form": CommentForm(),
        "defer_form": DeferForm(),
        "approve_form": ApproveForm(),
        "phone_form": PhoneApprovalForm(branch=user.branch, exclude=user),
        "send_back_form": SendBackForm(),
        "password_form": PasswordForm(),
        "unlock_form": UnlockForm(),
        "dispute_form": DisputeForm(),
        "recall_form": RecallForm(),
        # Not ticked in advance: the clerk ticks what they actually put in the file.
        "complete_form": CompleteForm(kinds=retained_kinds),
    }
    defaults.update(forms)
    return {
        "req": req,
        "customer": req.customer,
        "days_left": days_left,
        "is_late": days_left is not None and days_left < 0,
        "days_late": -days_left if days_left is not None and days_left < 0 else 0,
        "document_rows": [(kind, checked.get(kind.value)) for kind in kinds],
        "progress": selectors.approval_progress(req),
        "waiting": waiting_for(req),
        "approval_gap": selectors.approval_gap(req),
        "closure_missing": closure_missing,
        "retained_labels": [
            k.label for k in retained_kinds if k.value in (req.retained_documents or [])
        ],
        "can": can,
        "recall_falls": approvals_falling(request=req, actor=user) if can["recall"] else [],
        "panel": permissions.panels(req),
        "password_tries_left": MAX_PASSWORD_TRIES - req.password_failures,
        "audit_entries": list(req.audit_entries.all()),
        # Art. 17: the phone approvals recorded in this person's name, to sign off or dispute.
        "my_phone_approvals": [
            a for a in req.approvals.all() if permissions.may_dispute_approval(user, a)
        ],
        **defaults,
    }


def render_detail(
    request: HttpRequest, req: TransferRequest, *, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "transfers/request_detail.html",
        detail_context(request, req, **forms),
        status=status,
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.request_detail_queryset(acting_staff(request).branch_id)
    req = branch_request(request, pk, queryset=detail)
    return render(
        request, "transfers/request_detail.html", detail_context(request, req, loaded=True)
    )


@login_required
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_staff(request)
    customer = get_object_or_404(
        Customer.objects.for_branch(user.branch).select_related("branch", "account_manager"),
        pk=pk,
    )
    if not permissions.may_start_request(user):
        messages.error(request, _("Only counter staff can start a request."))
        return redirect("customer_detail", pk=customer.pk)

    open_request = (
        TransferRequest.objects.filter(customer=customer).exclude(state__in=ENDED_STATES).first()
    )
    form = TransferRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.transfer_request_create(
                customer=customer, actor=user, client_ip=client_ip(request), **form.cleaned_data
            )
        except ApplicationError as exc:
            refusal(request, exc, form)
        else:
            messages.success(request, _("Request #{pk} received.").format(pk=req.pk))
            return redirect("request_detail", pk=req.pk)

    book_url = ""
    if user.has_perm("transfers.add_appointment"):
        book_url = reverse("customer_detail", args=[customer.pk]) + "#book-appointment"
    return render(
        request,
        "transfers/request_form.html",
        {
            "customer": customer,
            # Art. 4: the counter checks the name against the identity card before the form.
            "name": customer_name_for(customer, viewer=user),
            "form": form,
            "open_request": open_request,
            "outlook": None if open_request else _form_outlook(customer, form),
            "book_url": book_url,
        },
        status=400 if request.method == "POST" else 200,
    )


def _form_outlook(customer: Customer, form: TransferRequestForm) -> Outlook:
    """Art. 16, 18, 19: told before the form is filled, not after the approvals; once the
    clerk has ticked what the customer asks for, for exactly that."""
    # A refusal added to the form makes it invalid but leaves what was ticked in cleaned_data.
    chosen = getattr(form, "cleaned_data", None) if form.is_bound else None
    return request_outlook(
        customer=customer,
        on=beijing_today(),
        wants_closure=chosen.get("wants_closure") if chosen else None,
        revoking_sh=chosen.get("wants_sh_revocation") if chosen else None,
        transferring_sz=chosen.get("wants_sz_transfer") if chosen else None,
    )


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require_reader(user)
    requests = (
        TransferRequest.objects.for_branch(user.branch)
        .select_related("customer", "customer__branch", "created_by")
        .order_by("-created_at")
    )
    state = query_text(request, "state")
    if state == "open":
        requests = requests.exclude(state__in=ENDED_STATES)
    elif state in S.values:
        requests = requests.filter(state=state)
    q = query_text(request, "q")
    if q:
        requests = requests.filter(
            customer_match_q(q, prefix="customer__")
            | Q(customer__name=q)
            | Q(agent_id_number_digest=pii_digest("id_number", q))
        )
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "transfers/request_list.html",
        {
            "page": page,
            "state": state,
            "q": q,
            "states": S.choices,
            "filter_query": urlencode({"state": state, "q": q}) + "&",
        },
    )
