"""The printed papers of a request: the business form (业务单据) the customer and the clerk sign
(Art. 11, 13), and the fee receipt (收据, Art. 12). Personal details are printed masked; the
full numbers stay in the record. The business form printed at the counter carries the name
in full: the customer signs under it and the clerk checks it against the identity card
(Art. 4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from reportlab.platypus import Flowable, Paragraph

from accounts.masking import mask_id_number, mask_name
from accounts.models import Staff, Tier
from accounts.selectors import customer_name_for
from kernel import pdf
from kernel.calendar import BEIJING, beijing_now
from kernel.errors import InvalidState

from .models import (
    LEFT_STATES,
    ApprovalMode,
    FeeItem,
    FeeSchedule,
    TransferRequest,
)
from .selectors import StepProgress, approval_progress


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
                str(approval.approver),
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


def _printed_line(printed_by: Staff) -> Paragraph:
    return Paragraph(
        pdf_escape(
            _("Printed by {who} at {when} (Beijing time)").format(
                who=printed_by, when=_beijing(beijing_now())
            )
        ),
        pdf.styles()["small"],
    )


def business_form_pdf(req: TransferRequest, *, printed_by: Staff) -> bytes:
    """The business form (业务单据): who, what is asked for, why, and who approved how."""
    customer = req.customer
    st = pdf.styles()
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
            (_("Agent's identity number"), mask_id_number(req.agent_id_number)),
        ]
    header_rows = [
        (_("Branch"), req.branch.name),
        (_("Request number"), str(req.pk)),
        (_("Received at"), _beijing(req.created_at)),
        (_("Received by"), str(req.created_by)),
        (_("State"), str(req.get_state_display())),
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

    story: list[Flowable] = [
        Paragraph(pdf_escape(req.branch.name), st["subtitle"]),
        Paragraph(pdf_escape(_("Transfer and account closure: business form")), st["title"]),
        pdf.spacer(),
        pdf.key_value_table([(k, pdf_escape(v)) for k, v in header_rows]),
        Paragraph(pdf_escape(_("Customer")), st["heading"]),
        pdf.key_value_table([(k, pdf_escape(v)) for k, v in customer_rows]),
        Paragraph(pdf_escape(_("Business requested")), st["heading"]),
        pdf.key_value_table([(k, pdf_escape(v)) for k, v in _requested_rows(req)]),
        Paragraph(pdf_escape(_("Reason")), st["heading"]),
        Paragraph(_reason_text(req) or "—", st["body"]),
        Paragraph(pdf_escape(_("Approvals")), st["heading"]),
        pdf.grid_table(
            [_("Step"), _("Approver"), _("Time"), _("How"), _("Written sign-off")],
            [[pdf_escape(cell) for cell in row] for row in _approval_rows(req)],
            widths=(30, 32, 32, 40, 40),
        ),
        pdf.spacer(6),
        pdf.signature_boxes(
            [
                _("Customer's (or agent's) signature and date"),
                _("Clerk's signature, stamp and date"),
            ]
        ),
        pdf.spacer(),
        _printed_line(printed_by),
    ]
    return pdf.render(
        story,
        title=_("Business form {number}").format(number=req.pk),
        author=req.branch.name,
    )


def _receipt_lines(req: TransferRequest) -> list[tuple[str, str]]:
    """One line per item. The request keeps only the total it charged; the per-item amounts
    come from today's schedule and are printed only while they still add up to that total."""
    items = []
    if req.wants_sz_transfer:
        items.append(FeeItem.SZ_TRANSFER)
    if req.wants_sh_revocation:
        items.append(FeeItem.SH_REVOCATION)
    if req.wants_closure:
        items.append(FeeItem.CLOSURE)
    schedule = dict(
        FeeSchedule.objects.filter(branch_id=req.branch_id, item__in=items).values_list(
            "item", "amount"
        )
    )
    # Closing an account is free by regulation, whatever the schedule says.
    amounts = {
        item: Decimal("0") if item == FeeItem.CLOSURE else schedule.get(item, Decimal("0"))
        for item in items
    }
    itemised = sum(amounts.values(), Decimal("0")) == (req.fee_amount or Decimal("0"))
    return [(str(item.label), _money(amounts[item]) if itemised else "") for item in items]


def receipt_pdf(req: TransferRequest, *, printed_by: Staff) -> bytes:
    """The fee receipt (收据) of a completed request (Art. 12)."""
    if req.state not in LEFT_STATES or not req.receipt_number:
        raise InvalidState(
            _("A receipt is printed only for a completed request."),
            details={"state": req.state},
        )
    st = pdf.styles()
    rows = [
        (_("Receipt number"), req.receipt_number),
        (_("Branch"), req.branch.name),
        (_("Date"), _beijing(req.completed_at, "%Y-%m-%d")),
        (_("Customer"), req.customer.masked_name),
        (_("Fund account"), req.customer.fund_account),
        (_("Request number"), str(req.pk)),
    ]
    lines = [[pdf_escape(label), amount] for label, amount in _receipt_lines(req)]
    lines.append([_("Total"), _money(req.fee_amount)])
    story: list[Flowable] = [
        Paragraph(pdf_escape(req.branch.name), st["subtitle"]),
        Paragraph(pdf_escape(_("Receipt")), st["title"]),
        pdf.spacer(),
        pdf.key_value_table([(k, pdf_escape(v)) for k, v in rows]),
        pdf.spacer(),
        pdf.grid_table([_("Item"), _("Amount (CNY)")], lines, widths=(120, 50)),
        pdf.spacer(),
        pdf.key_value_table(
            [(_("Processed by"), pdf_escape(str(req.completed_by or "")))],
        ),
        pdf.spacer(6),
        pdf.signature_boxes([_("Branch stamp")], height_mm=30),
        pdf.spacer(),
        _printed_line(printed_by),
    ]
    return pdf.render(
        story,
        title=_("Receipt {number}").format(number=req.receipt_number),
        author=req.branch.name,
    )
