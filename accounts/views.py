"""Showing a customer's phone in full to call them (Art. 28, 31, 34): from a revisit, a
retention contact task or wherever a caller works. A POST with the purpose; the number is on
the answer once, logged (PIPL Art. 51) and never cached."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .forms import PhoneRevealForm
from .models import AccessPurpose, Customer, RevealedField
from .selectors import customer_name_for
from .services import customer_reveal


def _back(request: HttpRequest, customer: Customer) -> str:
    """Where the caller came from, if it is this site; else the customer's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("customer_detail", kwargs={"pk": customer.pk})


@require_POST
@login_required
def customer_phone_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_staff(request)
    customer = get_object_or_404(
        Customer.objects.for_branch(user.branch).select_related("branch", "account_manager"),
        pk=pk,
    )
    back = _back(request, customer)
    context = {"customer": customer, "name": customer_name_for(customer, viewer=user)}
    form = PhoneRevealForm(request.POST)
    if not form.is_valid():
        context.update({"form": form, "back": back})
        return render(request, "accounts/customer_phone.html", context, status=400)
    if not customer.phone:
        messages.info(request, _("No phone is on record for this customer."))
        return redirect(back)
    try:
        log = customer_reveal(
            customer=customer,
            actor=user,
            field=RevealedField.PHONE,
            purpose=form.cleaned_data["purpose"],
            note=form.cleaned_data["note"],
            client_ip=client_ip(request),
        )
    except ApplicationError as error:
        refusal(request, error)
        return redirect(back)
    context.update(
        {
            "phone": customer.phone,
            "purpose": AccessPurpose(log.purpose).label,
            "log": log,
            "back": back,
        }
    )
    response = render(request, "accounts/customer_phone.html", context)
    response["Cache-Control"] = "no-store"  # the full number: never left in a cache
    return response
