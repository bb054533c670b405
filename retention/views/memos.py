"""The work memos (Art. 30): the list, one memo to read and edit, and its printed form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kernel.errors import ApplicationError
from kernel.request_context import acting_staff
from kernel.web import refusal

from .. import permissions
from ..forms import MemoForm
from ..models import MemoOutcome, WorkMemo
from ..pdf import memo_pdf
from ..services import memo_update
from ._common import branch_object, require_reader, status_for


def _memos():  # type: ignore[no-untyped-def]
    return WorkMemo.objects.select_related(
        "customer",
        "customer__branch",
        "customer__account_manager",
        "request",
        "primary_reason",
        "account_manager",
        "updated_by",
    )


@login_required
def memo_list(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require_reader(user)
    memos = _memos().filter(branch_id=user.branch_id)
    outcome = request.GET.get("outcome", "")
    if outcome in MemoOutcome.values:
        memos = memos.filter(outcome=outcome)
    if request.GET.get("mine"):
        memos = memos.filter(customer__account_manager=user)
    return render(
        request,
        "retention/memos.html",
        {"memos": memos[:200], "outcome": outcome, "outcomes": MemoOutcome.choices},
    )


@login_required
def memo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    memo = branch_object(request, _memos(), pk)
    user = acting_staff(request)
    may_edit = permissions.may_edit_memo(user, memo)
    form = MemoForm(request.POST or None, instance=memo) if may_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            memo_update(
                memo=memo,
                actor=user,
                main_reasons=data["main_reasons"],
                contact_phone=data["contact_phone"],
                follow_up_on=data["follow_up_on"],
                follow_up_notes=data["follow_up_notes"],
            )
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            messages.success(request, _("Memo saved."))
            return redirect("retention_memo", memo.pk)
    attempts = memo.request.retention_attempts.select_related(
        "playbook", "playbook__reason", "recorded_by"
    ).prefetch_related("steps_done")
    commitments = memo.customer.commitments.select_related("owner").order_by("due_on")
    return render(
        request,
        "retention/memo.html",
        {"memo": memo, "form": form, "attempts": attempts, "commitments": commitments},
        status=status_for(form) if form is not None else 200,
    )


@login_required
def memo_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    memo = branch_object(request, _memos(), pk)
    response = HttpResponse(memo_pdf(memo), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="work-memo-{memo.pk}.pdf"'
    return response
