"""Commission (Art. 27): the branch's ranges, rates awaiting the marketing director, recent
agreements."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .. import permissions
from ..forms import DecisionForm
from ..models import CommissionAgreement, CommissionStatus
from ..selectors import commission_ranges_for
from ..services import commission_approve, commission_refuse
from ._common import branch_object, require_reader


@login_required
def commission_list(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require_reader(user)
    agreements = CommissionAgreement.objects.filter(branch_id=user.branch_id).select_related(
        "customer", "customer__branch", "agreed_by", "decided_by"
    )
    return render(
        request,
        "retention/commission.html",
        {
            "ranges": commission_ranges_for(user.branch_id),
            "pending": agreements.filter(status=CommissionStatus.PENDING),
            "recent": agreements.exclude(status=CommissionStatus.PENDING)[:50],
            "may_decide": permissions.decides_commission(user),
        },
    )


@login_required
@require_POST
def commission_decide(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = branch_object(request, CommissionAgreement.objects.all(), pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or refuse."))
        return redirect("retention_commission")
    try:
        if form.cleaned_data["decision"] == "approve":
            commission_approve(
                agreement=agreement,
                actor=acting_staff(request),
                note=form.cleaned_data["note"],
                client_ip=client_ip(request),
            )
            messages.success(request, _("Rate approved."))
        else:
            commission_refuse(
                agreement=agreement,
                actor=acting_staff(request),
                note=form.cleaned_data["note"],
                client_ip=client_ip(request),
            )
            messages.success(request, _("Rate refused."))
    except ApplicationError as error:
        refusal(request, error)
    return redirect("retention_commission")
