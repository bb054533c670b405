"""The printed papers: the business form (业务单据) and, once completed, the fee receipt."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from kernel.request_context import acting_staff

from .. import permissions
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
    req = branch_request(request, pk)
    if not permissions.may_print_receipt(acting_staff(request), req):
        raise Http404
    from ..pdf import receipt_pdf

    return _pdf(
        receipt_pdf(req, printed_by=acting_staff(request)), f"receipt-{req.receipt_number}.pdf"
    )
