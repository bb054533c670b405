"""The work memos (Art. 30): the list, one memo to read and edit, and its printed form. The
memo's contact phone is masked on the page until an editor asks to see it (a POST, logged:
PIPL Art. 51); an empty phone field keeps the number on file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import permissions as customer_policy
from accounts.masking import mask_phone
from accounts.models import AccessPurpose, RevealedField, Staff
from accounts.services import customer_reveal
from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
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


def _memo_form(data: Any, memo: WorkMemo, *, phone_shown: bool) -> MemoForm:
    """The editor's form. Unless the phone was asked for, its field starts empty (the page
    shows the number masked) and an empty field keeps the number on file."""
    form = MemoForm(data, instance=memo, initial=None if phone_shown else {"contact_phone": ""})
    if memo.contact_phone and not phone_shown:
        form.fields["contact_phone"].help_text = _(
            "On file: {phone}. Leave empty to keep it."
        ).format(phone=mask_phone(memo.contact_phone))
    return form


def _reveal_phone(request: HttpRequest, user: Staff, memo: WorkMemo) -> bool:
    """PIPL Art. 51: one access-log row, then the editor sees the memo's phone in full."""
    if not permissions.may_edit_memo(user, memo):
        raise PermissionDenied
    if not memo.contact_phone:
        return False
    try:
        customer_reveal(
            customer=memo.customer,
            actor=user,
            field=RevealedField.PHONE,
            purpose=AccessPurpose.WORK_MEMO,
            client_ip=client_ip(request),
        )
    except ApplicationError as error:
        refusal(request, error)
        return False
    return True


@login_required
def memo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    memo = branch_object(request, _memos(), pk)
    user = acting_staff(request)
    may_edit = permissions.may_edit_memo(user, memo)
    on_file = memo.contact_phone  # read before the ModelForm writes its data to the instance
    phone_shown = False
    if request.method == "POST" and "reveal_phone" in request.POST:
        phone_shown = _reveal_phone(request, user, memo)
        if not phone_shown:
            return redirect("retention_memo", memo.pk)
        data = None
    else:
        data = request.POST or None
    form = _memo_form(data, memo, phone_shown=phone_shown) if may_edit else None
    if data is not None and form is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            memo_update(
                memo=memo,
                actor=user,
                main_reasons=cleaned["main_reasons"],
                contact_phone=cleaned["contact_phone"] or on_file,
                follow_up_on=cleaned["follow_up_on"],
                follow_up_notes=cleaned["follow_up_notes"],
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
    can_reveal_phone = (
        may_edit
        and not phone_shown
        and bool(on_file)
        and customer_policy.may_reveal_phone(user, memo.customer)
    )
    response = render(
        request,
        "retention/memo.html",
        {
            "memo": memo,
            "form": form,
            "attempts": attempts,
            "commitments": commitments,
            "can_reveal_phone": can_reveal_phone,
        },
        status=status_for(form) if form is not None else 200,
    )
    if phone_shown:
        response["Cache-Control"] = "no-store"  # the full number: never left in a cache
    return response


@login_required
def memo_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    memo = branch_object(request, _memos(), pk)
    response = HttpResponse(memo_pdf(memo), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="work-memo-{memo.pk}.pdf"'
    return response
