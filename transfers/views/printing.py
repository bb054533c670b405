"""The printed papers: the business form (业务单据) and, once completed, the fee receipt, each
print of which is logged (services.receipt_print)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .. import permissions, services
from ..models import ReceiptCopy
from ._common import branch_request


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # personal data: not left in shared caches
    return response


@login_required
def request_form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    req = branch_request(request, pk)
    from ..pdf import business_form_pdf

    return _pdf(business_form_pdf(req, printed_by=acting_staff(request)), f"request-{req.pk}.pdf")


@login_required
def request_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Both copies unless `?copy=customer` or `?copy=branch` asks for one (a reprint of the
    copy the customer lost)."""
    req = branch_request(request, pk)
    if not permissions.may_print_receipt(acting_staff(request), req):
        raise Http404
    try:
        data = services.receipt_print(
            request=req,
            actor=acting_staff(request),
            copies=request.GET.get("copy", ReceiptCopy.BOTH),
            client_ip=client_ip(request),
        )
    except ApplicationError as exc:
        refusal(request, exc)
        return redirect("request_detail", pk=req.pk)
    return _pdf(data, f"receipt-{req.receipt_number}.pdf")
