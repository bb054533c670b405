"""Printing the receipt (Art. 12): every print is logged, and a reprint says so on the paper."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import Staff
from kernel.errors import Forbidden, InvalidInput, InvalidState, require_same_branch

from .. import permissions
from ..models import LEFT_STATES, ReceiptCopy, ReceiptPrint, TransferRequest
from ._workflow import lock_request


def receipt_print(
    *,
    request: TransferRequest,
    actor: Staff,
    copies: str = ReceiptCopy.BOTH,
    client_ip: str | None = None,
) -> bytes:
    """The receipt's PDF, logged in the same transaction (who, when, which copies, from where):
    the first print is the original, each later one is marked 补打（第N次）. The request row
    is locked while the count is taken, so two clerks printing at once get 1 and 2."""
    require_same_branch(request.branch_id, actor)
    if copies not in ReceiptCopy.values:
        raise InvalidInput(_("Choose which copy of the receipt to print."))
    with transaction.atomic():
        req = lock_request(request)
        if req.state not in LEFT_STATES or not req.receipt_number:
            raise InvalidState(
                _("A receipt is printed only for a completed request."),
                details={"state": req.state},
            )
        if not permissions.may_print_receipt(actor, req):
            raise Forbidden(_("Your role does not allow printing the receipt."))
        last = ReceiptPrint.objects.filter(request=req).aggregate(n=Max("number"))["n"] or 0
        entry = ReceiptPrint.objects.create(
            request=req,
            number=last + 1,
            copies=copies,
            printed_by=actor,
            client_ip=client_ip,
        )
        from ..pdf import receipt_pdf  # the PDF kit loads only where a paper is printed

        return receipt_pdf(req, printed_by=actor, copies=copies, reprint=entry.reprint)
