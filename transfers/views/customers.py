"""Customer search and the customer page, where the counter starts: the customer, their
requests and appointments. Lists show every customer masked; the full number typed into the
search still finds the customer. On the page the counter sees the name in full and, asked for
with a POST, the identity number and phone (Art. 4); every look is logged (PIPL Art. 51)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions as customer_policy
from accounts.models import AccessChannel, AccessPurpose, Customer, RevealedField
from accounts.selectors import customer_name_for
from accounts.selectors import customer_search as search
from accounts.services import customer_access_record, customer_reveal
from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.params import query_text
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .. import permissions
from ..foresight import request_outlook
from ..forms import AppointmentBookForm
from ..models import ENDED_STATES


@login_required
def customer_search(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    query = query_text(request, "q")
    results = list(search(branch=user.branch, query=query)) if query else []
    return render(request, "accounts/customer_search.html", {"q": query, "results": results})


def _record_look(request: HttpRequest, user: Any, customer: Customer) -> None:
    """PIPL Art. 51: one access-log row per look at the page, saying what it showed in full:
    the counter sees a person's name (Art. 4; an institution's is no personal information),
    everyone else the customer masked."""
    if customer_policy.sees_full_name(user) and not customer.is_institution:
        customer_reveal(
            customer=customer,
            actor=user,
            field=RevealedField.NAME,
            purpose=AccessPurpose.VERIFY_IDENTITY,
            client_ip=client_ip(request),
        )
    else:
        customer_access_record(
            customer=customer, actor=user, client_ip=client_ip(request), channel=AccessChannel.PAGE
        )


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the customer. POST: the same page with the identity number and phone in full, for
    the counter to check against the documents (Art. 4) — asked for, logged, never cached."""
    user = acting_staff(request)
    customer = get_object_or_404(
        Customer.objects.for_branch(user.branch).select_related(
            "branch", "account_manager", "tier_override_by"
        ),
        pk=pk,
    )
    show_full = request.method == "POST"
    if show_full:
        try:
            customer_reveal(
                customer=customer,
                actor=user,
                field=RevealedField.IDENTITY,
                purpose=AccessPurpose.VERIFY_IDENTITY,
                client_ip=client_ip(request),
            )
        except ApplicationError as error:
            refusal(request, error)
            return redirect("customer_detail", pk=customer.pk)
    else:
        _record_look(request, user, customer)
    context: dict = {
        "customer": customer,
        "name": customer_name_for(customer, viewer=user),
        "is_counter": permissions.works_counter(user),
        "can_verify_identity": customer_policy.may_verify_identity(user, customer),
        "show_full": show_full,
        # Art. 17: why the customer is in their tier (the imported figures or a hand-set one).
        "tier_history": list(customer.tier_changes.select_related("actor")[:10]),
    }
    # The archivist and company head see the customer, not the requests (their work is the
    # archives).
    if permissions.reads_requests(user):
        requests = list(customer.transfer_requests.select_related("created_by"))
        open_requests = [r for r in requests if r.state not in ENDED_STATES]
        can_book = user.has_perm("transfers.add_appointment")
        # Art. 16, 18, 19 before a new request; an open one's own page says where it stands.
        outlook = None if open_requests else request_outlook(customer=customer, on=beijing_today())
        context.update(
            {
                "open_requests": open_requests,
                "past_requests": [r for r in requests if r.state in ENDED_STATES],
                "appointments": list(
                    customer.appointments.select_related("host", "booked_by", "transfer_request")
                ),
                "can_book": can_book,
                "can_record_findings": user.has_perm("transfers.change_appointment"),
                "book_form": AppointmentBookForm(branch=user.branch),
                "outlook": outlook,
                "book_url": "#book-appointment" if can_book else "",
            }
        )
    response = render(request, "accounts/customer_detail.html", context)
    if show_full:
        response["Cache-Control"] = "no-store"  # the full numbers: never left in a cache
    return response
