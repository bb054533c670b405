"""Art. 17's written sign-off in one sitting: the approver's phone approvals with their
requests' summary, ticked and signed together, or one of them disputed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kernel.calendar import beijing_today
from kernel.errors import ApplicationError, InvalidInput
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .. import permissions, selectors, services
from ..forms import DisputeForm
from ..models import Approval
from ..selectors_sign_offs import sign_off_sitting

MAX_ID = 2**31 - 1


def _ticked(request: HttpRequest) -> list[int]:
    raw = request.POST.getlist("approval")
    if not all(value.isdigit() and 0 < int(value) <= MAX_ID for value in raw):
        raise InvalidInput(_("Tick phone approvals from the list."))
    return [int(value) for value in raw]


def _page(
    request: HttpRequest,
    *,
    status: int = 200,
    ticked: frozenset[int] = frozenset(),
    dispute_form: DisputeForm | None = None,
    disputing: int | None = None,
) -> HttpResponse:
    user = acting_staff(request)
    today = beijing_today()
    context: dict[str, Any] = {
        "rows": sign_off_sitting(user, today=today),
        "ticked": ticked,
        "dispute_form": dispute_form,
        "blank_dispute_form": DisputeForm(),
        "disputing": disputing,
        "today": today,
    }
    if permissions.sees_overdue_sign_offs(user):
        # Art. 17: the director and the general manager still see everyone's overdue ones.
        context["branch_overdue"] = list(
            selectors.overdue_sign_offs(branch_id=user.branch_id, today=today).exclude(
                approver=user
            )
        )
    return render(request, "transfers/sign_offs.html", context, status=status)


def _sign(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    ticked: list[int] = []
    try:
        ticked = _ticked(request)
        signed = services.approvals_sign_off(
            approval_ids=ticked, actor=user, client_ip=client_ip(request)
        )
    except ApplicationError as exc:
        refusal(request, exc)
        return _page(request, status=exc.status, ticked=frozenset(ticked))
    messages.success(
        request,
        ngettext(
            "Written sign-off recorded for %(count)d phone approval.",
            "Written sign-off recorded for %(count)d phone approvals.",
            len(signed),
        )
        % {"count": len(signed)},
    )
    return redirect("approval_sign_offs")


def _dispute(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    raw = request.POST.get("dispute", "")
    if not raw.isdigit() or int(raw) > MAX_ID:
        messages.error(request, _("Choose the phone approval you dispute from the list."))
        return _page(request, status=400)
    approval = get_object_or_404(
        Approval.objects.filter(request__branch_id=user.branch_id).select_related("request"),
        pk=int(raw),
    )
    form = DisputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not done: check the fields marked below."))
        return _page(request, status=400, dispute_form=form, disputing=approval.pk)
    try:
        services.approval_dispute(
            approval=approval,
            actor=user,
            reason=form.cleaned_data["reason"],
            client_ip=client_ip(request),
        )
    except ApplicationError as exc:
        refusal(request, exc)
        return _page(request, status=exc.status, dispute_form=form, disputing=approval.pk)
    messages.success(
        request,
        _(
            "Your dispute of request #{pk} is recorded; the directors and the clerk have been told."
        ).format(pk=approval.request_id),
    )
    return redirect("approval_sign_offs")


@login_required
def approval_sign_offs(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    if not permissions.signs_off_in_one_sitting(user):
        raise PermissionDenied
    if request.method == "POST":
        return _dispute(request) if "dispute" in request.POST else _sign(request)
    return _page(request)
