"""Early warning: the at-risk list (the account manager's own customers first) and
resolving complaints."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kernel.errors import ApplicationError
from kernel.params import query_date
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from ..forms import ResolutionForm
from ..models import Complaint
from ..selectors import at_risk_for, retention_settings_for
from ..services import complaint_resolve
from ._common import branch_object, require_reader, status_for


@login_required
def at_risk(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require_reader(user)
    day = query_date(request, "date")
    listing = at_risk_for(branch=user.branch, user=user, business_date=day)
    return render(
        request,
        "retention/at_risk.html",
        {"listing": listing, "settings": retention_settings_for(user.branch)},
    )


@login_required
def complaint_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = branch_object(request, Complaint.objects.select_related("customer"), pk)
    form = ResolutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint_resolve(
                complaint=complaint,
                actor=acting_staff(request),
                resolution=form.cleaned_data["resolution"],
                client_ip=client_ip(request),
            )
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            messages.success(request, _("Complaint resolved."))
            return redirect("retention_customer", complaint.customer_id)
    return render(
        request,
        "retention/simple_form.html",
        {
            "form": form,
            "title": _("Resolve a complaint"),
            "subject": f"{complaint.customer} — {complaint.summary}",
            "back": complaint.customer_id,
            "back_url_name": "retention_customer",
        },
        status=status_for(form),
    )
