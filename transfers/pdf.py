"""The printed papers of a request: the business form (业务单据) the customer and the clerk sign
(Art. 11, 13), and the fee receipt (收据, Art. 12) in two copies, the customer's and the
branch's (Art. 13, 14). Both are the customer's papers and print in Chinese whatever language
the member of staff works in. Personal details are printed masked; the full numbers stay in
the record. The business form printed at the counter carries the name in full: the customer
signs under it and the clerk checks it against the identity card (Art. 4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.masking import mask_id_number, mask_name
from accounts.models import Staff, Tier
from accounts.selectors import customer_name_for
from kernel import pdf
from kernel.calendar import BEIJING, beijing_now
from kernel.errors import InvalidState
from kernel.money import amount_in_capitals

from .fees import FeeLine, fee_for, fee_lines
from .models import (
    LEFT_STATES,
    ApprovalMode,
    FeeItem,
    ReceiptCopy,
    TransferRequest,
)
from .selectors import StepProgress, approval_progress

# The customer's papers are in the branch's language, Chinese, for every member of staff.
PAPER_LANGUAGE = "zh-hans"


def _beijing(moment: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(BEIJING).strftime(fmt) if moment else ""


def _money(amount: Decimal | None) -> str:
    return f"{amount or Decimal('0'):.2f}"


def _tier_display(req: TransferRequest) -> str:
    customer = req.customer
    tier = str(customer.tier.label)
    if customer.approval_tier != customer.tier:
        # Art. 10, 17: institutions are approved like core customers.
        tier = _("{tier} (approved as {route})").format(
            tier=tier, route=Tier(customer.approval_tier).label
        )
    return tier


def _sign_off_display(progress: StepProgress) -> str:
    approval = progress.approval
    if approval is None:
        return ""
    if approval.mode != ApprovalMode.PHONE:
        return _("not needed (in person)")
    if approval.signed_off_at is not None:
        return _("signed {when}").format(when=_beijing(approval.signed_off_at))
    due = approval.sign_off_due_on.isoformat() if approval.sign_off_due_on else ""
    return _("pending, due {date}").format(date=due)


def _approval_rows(req: TransferRequest) -> list[list[str]]:
    rows = []
    for progress in approval_progress(req):
        approval = progress.approval
        if approval is None:
            waiting = _("open now") if progress.is_open else _("not yet")
            rows.append([progress.label, waiting, "", "", ""])
            continue
        rows.append(
            [
                progress.label,
                approval.signed_as,
                _beijing(approval.approved_at),
                str(approval.get_mode_display()),
                _sign_off_display(progress),
            ]
        )
    return rows


def _requested_rows(req: TransferRequest) -> list[tuple[str, str]]:
    rows = []
    if req.wants_sz_transfer:
        rows.append(
            (
                str(FeeItem.SZ_TRANSFER.label),
                _("to {broker}, seat {seat}").format(
                    broker=req.sz_receiving_broker, seat=req.sz_receiving_seat
                ),
            )
        )
    if req.wants_sh_revocation:
        rows.append((str(FeeItem.SH_REVOCATION.label), req.customer.sh_account))
    if req.wants_closure:
        rows.append((str(FeeItem.CLOSURE.label), req.customer.fund_account))
    return rows


def _reason_text(req: TransferRequest) -> str:
    if req.primary_reason is None:
        return ""
    parts = [_("Main reason: {reason}").format(reason=req.primary_reason.name)]
    others = [r.name for r in req.other_reasons.all()]
    if others:
        parts.append(_("Other reasons: {reasons}").format(reasons="、".join(others)))
    if req.reason_note:
        parts.append(_("In the customer's words: {note}").format(note=req.reason_note))
    return "<br/>".join(pdf_escape(p) for p in parts)


def pdf_escape(text: str) -> str:
    """Paragraph text is a small markup language: what the customer said is shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _printed_line(printed_by: Staff) -> pdf.Text:
    return pdf.text(
        pdf_escape(
            _("Printed by {who} at {when} (Beijing time)").format(
                who=printed_by, when=_beijing(beijing_now())
            )
        ),
        "small",
    )


def business_form_pdf(req: TransferRequest, *, printed_by: Staff) -> bytes:
    """The business form (业务单据): who, what is asked for, why, what it costs, and who
    approved how. The request's internal state is not the customer's business: not printed."""
    return pdf.paper_render(business_form_paper(req, printed_by=printed_by))


def business_form_paper(req: TransferRequest, *, printed_by: Staff) -> pdf.Paper:
    """The business form as plain data, to be drawn here or in another process."""
    with translation.override(PAPER_LANGUAGE):
        return _business_form(req, printed_by=printed_by)


def _business_form(req: TransferRequest, *, printed_by: Staff) -> pdf.Paper:
    customer = req.customer
    yes_no = {True: _("yes"), False: _("no")}
    customer_rows = [
        (_("Name"), customer_name_for(customer, viewer=printed_by)),
        (_("Customer type"), str(customer.get_kind_display())),
        (_("Tier"), _tier_display(req)),
        (
            _("Identity document"),
            f"{customer.get_id_type_display()} {customer.masked_id_number}",
        ),
        (_("Phone"), customer.masked_phone),
        (_("Fund account"), customer.fund_account),
        (
            _("Shanghai securities account"),
            _("{account} (designated trading here: {here})").format(
                account=customer.sh_account or "—", here=yes_no[customer.sh_designated_here]
            ),
        ),
        (_("Shenzhen securities account"), customer.sz_account),
    ]
    if req.by_agent:
        customer_rows += [
            (_("Agent"), mask_name(req.agent_name)),
            (
                _("Agent's identity number"),
                f"{req.get_agent_id_type_display()} {mask_id_number(req.agent_id_number)}".strip(),
            ),
        ]
    header_rows = [
        (_("Branch"), req.branch.name),
        (_("Request number"), str(req.pk)),
        (_("Received at"), _beijing(req.created_at)),
        (_("Received by"), str(req.created_by)),
    ]
    if req.appointment is not None:
        header_rows.append(
            (
                _("Appointment"),
                _("booked on {date} with {host}").format(
                    date=req.appointment.booked_on.isoformat(), host=req.appointment.host
                ),
            )
        )

    story: list[pdf.Block] = [
        pdf.text(pdf_escape(req.branch.name), "subtitle"),
        pdf.text(pdf_escape(_("Transfer and account closure: business form")), "title"),
        pdf.Space(),
        pdf.key_values([(k, pdf_escape(v)) for k, v in header_rows]),
        pdf.text(pdf_escape(_("Customer")), "heading"),
        pdf.key_values([(k, pdf_escape(v)) for k, v in customer_rows]),
        pdf.text(pdf_escape(_("Business requested")), "heading"),
        pdf.key_values([(k, pdf_escape(v)) for k, v in _requested_rows(req)]),
        pdf.text(pdf_escape(_("Reason")), "heading"),
        pdf.text(_reason_text(req) or "—"),
        pdf.text(pdf_escape(_("Fees (Art. 12)")), "heading"),
        *_fee_table(req),
        pdf.text(pdf_escape(_("Approvals")), "heading"),
        pdf.grid(
            [_("Step"), _("Approver"), _("Time"), _("How"), _("Written sign-off")],
            [[pdf_escape(cell) for cell in row] for row in _approval_rows(req)],
            widths=(30, 32, 32, 40, 40),
        ),
        pdf.Space(6),
        pdf.signatures(
            [
                _("Customer's (or agent's) signature and date"),
                _("Clerk's signature, stamp and date"),
            ]
        ),
        pdf.Space(),
        _printed_line(printed_by),
    ]
    return pdf.paper(
        story,
        title=_("Business form {number}").format(number=req.pk),
        author=req.branch.name,
    )


def _fee_rows(req: TransferRequest) -> tuple[list[FeeLine], Decimal, bool]:
    """The lines, the total and whether the lines may carry their amounts. Once processing
    has started the total is the one recorded then; the lines come from today's schedule and
    show their amounts only while they still add up to it."""
    lines = fee_lines(req)
    total = req.fee_amount if req.fee_amount is not None else fee_for(req)
    itemised = sum((line.amount for line in lines), Decimal("0")) == total
    return lines, total, itemised


def _fee_note(req: TransferRequest) -> str:
    if req.fee_amount is None:
        if req.is_ended:
            return _("Nothing was charged: the request ended before processing.")
        return _("At the branch's fee schedule today; fixed when processing starts.")
    if req.state not in LEFT_STATES:
        return _("Fixed when processing started; paid on completion, against a receipt.")
    return ""


def _fee_grid(lines: list[FeeLine], total: Decimal, itemised: bool) -> pdf.Grid:
    rows = [[pdf_escape(line.label), _money(line.amount) if itemised else ""] for line in lines]
    rows.append([_("Total"), _money(total)])
    return pdf.grid([_("Item"), _("Amount (CNY)")], rows, widths=(120, 50))


def _fee_table(req: TransferRequest) -> list[pdf.Block]:
    lines, total, itemised = _fee_rows(req)
    story: list[pdf.Block] = [
        _fee_grid(lines, total, itemised),
        pdf.Space(2),
        pdf.key_values([(_("Amount in words"), amount_in_capitals(total))]),
    ]
    note = _fee_note(req)
    if note:
        story.append(pdf.text(pdf_escape(note), "small"))
    return story


def receipt_pdf(
    req: TransferRequest,
    *,
    printed_by: Staff,
    copies: str = ReceiptCopy.BOTH,
    reprint: int = 0,
) -> bytes:
    """The fee receipt (收据) of a completed request (Art. 12): the customer's copy (客户联)
    and the branch's (营业部留存联), each on its own page and marked, or the one asked for; a
    reprint is marked 补打（第N次）. Logged prints go through services.receipt_print."""
    return pdf.paper_render(
        receipt_paper(req, printed_by=printed_by, copies=copies, reprint=reprint)
    )


def receipt_paper(
    req: TransferRequest,
    *,
    printed_by: Staff,
    copies: str = ReceiptCopy.BOTH,
    reprint: int = 0,
) -> pdf.Paper:
    """The receipt as plain data, to be drawn here or in another process."""
    if req.state not in LEFT_STATES or not req.receipt_number:
        raise InvalidState(
            _("A receipt is printed only for a completed request."),
            details={"state": req.state},
        )
    which = {
        ReceiptCopy.BOTH: [ReceiptCopy.CUSTOMER, ReceiptCopy.BRANCH],
        ReceiptCopy.CUSTOMER: [ReceiptCopy.CUSTOMER],
        ReceiptCopy.BRANCH: [ReceiptCopy.BRANCH],
    }[ReceiptCopy(copies)]
    with translation.override(PAPER_LANGUAGE):
        story: list[pdf.Block] = []
        for copy in which:
            if story:
                story.append(pdf.NewPage())
            story += _receipt_copy(req, copy=copy, reprint=reprint, printed_by=printed_by)
        return pdf.paper(
            story,
            title=_("Receipt {number}").format(number=req.receipt_number),
            author=req.branch.name,
        )


def _receipt_copy(
    req: TransferRequest, *, copy: ReceiptCopy, reprint: int, printed_by: Staff
) -> list[pdf.Block]:
    mark = str(copy.label)
    if reprint:
        mark += "　" + _("Reprint (no. {n})").format(n=reprint)
    rows = [
        (_("Receipt number"), req.receipt_number or ""),
        (_("Branch"), req.branch.name),
        (_("Date"), _beijing(req.completed_at, "%Y-%m-%d")),
        (_("Customer"), req.customer.masked_name),
        (_("Fund account"), req.customer.fund_account),
        (_("Request number"), str(req.pk)),
    ]
    lines, total, itemised = _fee_rows(req)
    return [
        pdf.text(pdf_escape(req.branch.name), "subtitle"),
        pdf.text(pdf_escape(_("Receipt")), "title"),
        pdf.text(pdf_escape(mark), "heading", align=2),
        pdf.key_values([(k, pdf_escape(v)) for k, v in rows]),
        pdf.Space(),
        _fee_grid(lines, total, itemised),
        pdf.Space(2),
        pdf.key_values(
            [
                (_("Amount in figures"), f"¥{_money(total)}"),
                (_("Amount in words"), amount_in_capitals(total)),
                (_("Processed by"), pdf_escape(str(req.completed_by or ""))),
            ]
        ),
        pdf.Space(6),
        pdf.signatures([_("Branch stamp")], height_mm=30),
        pdf.Space(),
        _printed_line(printed_by),
    ]
