"""Customer search and the customer page, where the counter starts: the customer, their
requests and appointments. Every number shown is masked; the full number typed into the
search still finds the customer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.models import AccessChannel, Customer
from accounts.selectors import customer_search as search
from accounts.services import customer_access_record
from kernel.params import query_text
from kernel.request_context import acting_staff, client_ip

from .. import permissions
from ..forms import AppointmentBookForm
from ..models import ENDED_STATES


@login_required
def customer_search(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    query = query_text(request, "q")
    results = list(search(branch=user.branch, query=query)) if query else []
    return render(request, "accounts/customer_search.html", {"q": query, "results": results})


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_staff(request)
    customer = get_object_or_404(
        Customer.objects.for_branch(user.branch).select_related(
            "branch", "account_manager", "tier_override_by"
        ),
        pk=pk,
    )
    is_counter = permissions.works_counter(user)
    # PIPL Art. 51: every look at a customer's page is logged; the full identity number and
    # phone are shown only to the counter, which verifies the person in front of it, and only
    # when asked for.
    customer_access_record(
        customer=customer, actor=user, client_ip=client_ip(request), channel=AccessChannel.PAGE
    )
    context: dict = {
        "customer": customer,
        "is_counter": is_counter,
        "show_full": is_counter and request.GET.get("full") == "1",
    }
    # The archivist and company head see the customer, not the requests (their work is the
    # archives).
    if permissions.reads_requests(user):
        requests = list(customer.transfer_requests.select_related("created_by"))
        context.update(
            {
                "open_requests": [r for r in requests if r.state not in ENDED_STATES],
                "past_requests": [r for r in requests if r.state in ENDED_STATES],
                "appointments": list(
                    customer.appointments.select_related("host", "booked_by", "transfer_request")
                ),
                "can_book": user.has_perm("transfers.add_appointment"),
                "can_record_findings": user.has_perm("transfers.change_appointment"),
                "book_form": AppointmentBookForm(branch=user.branch),
            }
        )
    return render(request, "accounts/customer_detail.html", context)
