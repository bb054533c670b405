"""Reception to retention: opening a request, checking documents, recording why, and the
customer's answer (stays, defers, goes on)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Customer, IdType, Staff, Tier
from accounts.norm.resolve import rule_set
from accounts.pii import normalise_id_number
from core_system.adapters import Condition
from kernel.calendar import TradingCalendar, beijing_today
from kernel.errors import Conflict, InvalidInput, InvalidState, require_same_branch

from .. import approval_rules as rules
from ..closure import closure_conditions_never_met
from ..errors import TransferErrorCode
from ..hooks import request_outcome_settled
from ..models import (
    ENDED_STATES,
    Appointment,
    ApprovalStep,
    ChurnReason,
    DocumentCheck,
    DocumentKind,
    TransferRequest,
    TransferState,
    required_documents,
)
from ..validators import normalise_seat, request_input_problems
from . import notices
from ._workflow import apply_transition, audit, lock_request, require_counter

# The customer's rights: a closure must be done within two trading days once the related
# business is wound up; the branch holds itself to that for every request.
TRADING_DAYS_TO_COMPLETE = 2


def appointment_needed(customer: Customer) -> bool:
    """Art. 18: institution and core customers (institutions are approved like core ones,
    Art. 10, 17) book an appointment before they come to the counter."""
    return customer.approval_tier == Tier.CORE


@dataclass(frozen=True)
class AppointmentStanding:
    """Where a customer who needs an appointment stands on a day: the open booking, if any;
    the first trading day the counter may take the request; and, while that day has not
    come, the words that say so."""

    appointment: Appointment | None
    earliest: dt.date
    refusal: str

    @property
    def usable(self) -> bool:
        return not self.refusal


def _trading_days_after(day: dt.date, count: int, calendar: TradingCalendar) -> dt.date:
    for _step in range(count):
        day = calendar.next_trading_day(day)
    return day


def appointment_standing(
    *, customer: Customer, today: dt.date, calendar: TradingCalendar
) -> AppointmentStanding:
    """Art. 18: institution and core customers book with the marketing director or general
    manager at least one trading day before they come to the counter (the norm's
    appointment.lead_trading_days, which a branch may lengthen)."""
    lead = rule_set(customer.branch_id, today)["appointment.lead_trading_days"]
    booked = (
        Appointment.objects.filter(customer=customer, transfer_request__isnull=True)
        .order_by("booked_on")
        .first()
    )
    if booked is not None:
        earliest = _trading_days_after(booked.booked_on, lead, calendar)
        if today >= earliest:
            return AppointmentStanding(appointment=booked, earliest=earliest, refusal="")
        message = _(
            "This customer's appointment was booked on {booked}; the request can be taken "
            "from {earliest}."
        ).format(booked=booked.booked_on.isoformat(), earliest=earliest.isoformat())
    else:
        earliest = _trading_days_after(today, lead, calendar)
        message = _(
            "Institution and core customers must book an appointment with the marketing "
            "director or general manager at least {days} trading day(s) before (Art. 18). "
            "Booked today, the earliest date is {earliest}."
        ).format(days=lead, earliest=earliest.isoformat())
    return AppointmentStanding(appointment=booked, earliest=earliest, refusal=message)


def appointment_for_counter(
    *, customer: Customer, today: dt.date, calendar: TradingCalendar
) -> Appointment:
    """The appointment a request of an institution or core customer takes today (Art. 18),
    or the refusal with the earliest date one can be had."""
    standing = appointment_standing(customer=customer, today=today, calendar=calendar)
    if standing.usable and standing.appointment is not None:
        return standing.appointment
    raise InvalidInput(
        standing.refusal,
        code=TransferErrorCode.APPOINTMENT_REQUIRED,
        details={"earliest": standing.earliest.isoformat()},
    )


def account_manager_missing(customer: Customer) -> Condition | None:
    """Art. 9, 17: every route has the customer's own account manager co-approve, so a
    customer without one cannot go on to approval until one is assigned."""
    if customer.account_manager_id is not None:
        return None
    if ApprovalStep.ACCOUNT_MANAGER not in rules.ROUTES[customer.approval_tier]:
        return None
    return Condition(
        TransferErrorCode.NO_ACCOUNT_MANAGER,
        _("The customer has no account manager to co-approve: assign one first."),
    )


@transaction.atomic
def transfer_request_create(
    *,
    customer: Customer,
    actor: Staff,
    wants_sz_transfer: bool = False,
    sz_receiving_broker: str = "",
    sz_receiving_seat: str = "",
    wants_sh_revocation: bool = False,
    wants_closure: bool = False,
    by_agent: bool = False,
    agent_name: str = "",
    agent_id_type: str = IdType.RESIDENT_ID,
    agent_id_number: str = "",
    client_ip: str | None = None,
) -> TransferRequest:
    require_same_branch(customer.branch_id, actor)
    require_counter(actor)
    # One open request per customer; locking the customer row serialises two clerks.
    customer = (
        Customer.objects.select_for_update(of=("self",))
        .select_related("branch")
        .get(pk=customer.pk)
    )
    errors: list[str] = []
    if not (wants_sz_transfer or wants_sh_revocation or wants_closure):
        errors.append(_("Choose at least one thing the customer asks for."))
    if wants_sz_transfer:
        if not customer.sz_account:
            errors.append(_("The customer has no Shenzhen securities account here."))
        if not sz_receiving_broker.strip() or not sz_receiving_seat.strip():
            errors.append(_("A Shenzhen custody transfer needs the receiving broker and seat."))
    if wants_sh_revocation and not customer.sh_designated_here:
        errors.append(_("The customer's Shanghai designated trading is not at this branch."))
    if by_agent and (not agent_name.strip() or not agent_id_number.strip()):
        errors.append(_("Give the agent's name and identity number."))
    # The seat and the agent's number by their formats (transfers/validators.py), in the
    # words the request form and the API show.
    problems = request_input_problems(
        {
            "wants_sz_transfer": wants_sz_transfer,
            "sz_receiving_seat": sz_receiving_seat,
            "by_agent": by_agent,
            "agent_id_type": agent_id_type,
            "agent_id_number": agent_id_number,
        }
    )
    errors += problems.values()
    if errors:
        raise InvalidInput(" ".join(errors), details={"fields": problems} if problems else None)
    if wants_closure:
        # Art. 19: what this request cannot wind up refuses the closure now, not after
        # approvals; what it winds up, and what follows from it, the closure waits for.
        never = closure_conditions_never_met(
            customer, revoking_sh=wants_sh_revocation, transferring_sz=wants_sz_transfer
        )
        if never:
            raise InvalidInput(
                _("The fund account cannot be closed with this request: {missing}").format(
                    missing=" ".join(c.message for c in never)
                ),
                code=TransferErrorCode.CLOSURE_CONDITIONS,
                details={"missing": [c.code for c in never]},
            )

    open_request = (
        TransferRequest.objects.filter(customer=customer).exclude(state__in=ENDED_STATES).first()
    )
    if open_request is not None:
        raise Conflict(
            _("This customer already has an open request (#{pk}): continue that one.").format(
                pk=open_request.pk
            ),
            code=TransferErrorCode.DUPLICATE,
            details={"request": open_request.pk},
        )

    calendar = TradingCalendar()
    today = beijing_today()
    appointment = None
    if appointment_needed(customer):
        appointment = appointment_for_counter(customer=customer, today=today, calendar=calendar)

    business_day = calendar.trading_date_of(timezone.now())
    req = TransferRequest.objects.create(
        branch=customer.branch,
        customer=customer,
        created_by=actor,
        wants_sz_transfer=wants_sz_transfer,
        sz_receiving_broker=sz_receiving_broker.strip() if wants_sz_transfer else "",
        sz_receiving_seat=normalise_seat(sz_receiving_seat) if wants_sz_transfer else "",
        wants_sh_revocation=wants_sh_revocation,
        wants_closure=wants_closure,
        by_agent=by_agent,
        agent_name=agent_name.strip() if by_agent else "",
        agent_id_type=(agent_id_type or IdType.RESIDENT_ID) if by_agent else "",
        agent_id_number=normalise_id_number(agent_id_number) if by_agent else "",
        appointment=appointment,
        due_on=calendar.add_trading_days(business_day, TRADING_DAYS_TO_COMPLETE),
    )
    audit(req, actor=actor, action="create", from_state="", client_ip=client_ip)
    return req


def missing_documents(req: TransferRequest, checked: Iterable[str]) -> list[DocumentKind]:
    have = set(checked)
    needed = required_documents(customer_kind=req.customer.kind, by_agent=req.by_agent)
    return [kind for kind in needed if kind not in have]


@transaction.atomic
def transfer_documents_verify(
    *, request: TransferRequest, actor: Staff, checked: Iterable[str], client_ip: str | None = None
) -> TransferRequest:
    """Art. 4: the clerk has seen each document and found it genuine and valid. With any
    missing, nothing is saved and the message names what is missing."""
    require_same_branch(request.branch_id, actor)
    req = lock_request(request)
    if req.state != TransferState.RECEIVED:
        raise InvalidState(_("The documents have already been checked."))
    checked = [c for c in checked if c in DocumentKind.values]
    missing = missing_documents(req, checked)
    if missing:
        raise InvalidInput(
            _("The request cannot go on without: {missing}.").format(
                missing="、".join(str(kind.label) for kind in missing)
            ),
            code=TransferErrorCode.DOCUMENTS_MISSING,
            details={"missing": [str(k) for k in missing]},
        )
    DocumentCheck.objects.bulk_create(
        [DocumentCheck(request=req, kind=kind, checked_by=actor) for kind in set(checked)]
    )
    apply_transition(
        req,
        "verify_documents",
        actor=actor,
        client_ip=client_ip,
        comment="、".join(str(DocumentKind(k).label) for k in sorted(set(checked))),
    )
    return req


@transaction.atomic
def transfer_refuse(
    *, request: TransferRequest, actor: Staff, reason: str, client_ip: str | None = None
) -> TransferRequest:
    """Art. 4: incomplete or invalid documents, or someone who is neither the customer nor
    an authorised agent."""
    require_same_branch(request.branch_id, actor)
    if not reason.strip():
        raise InvalidInput(_("Say why the request is refused."))
    req = lock_request(request)
    req.refusal_reason = reason.strip()[:300]
    req.ended_at = timezone.now()
    apply_transition(
        req,
        "refuse",
        actor=actor,
        comment=req.refusal_reason,
        client_ip=client_ip,
        update_fields=("refusal_reason", "ended_at"),
    )
    return req


@transaction.atomic
def transfer_reason_record(
    *,
    request: TransferRequest,
    actor: Staff,
    primary_reason: ChurnReason,
    other_reasons: Iterable[ChurnReason] = (),
    note: str = "",
    client_ip: str | None = None,
) -> TransferRequest:
    """Art. 8(3): one primary reason, any others, and the customer's own words. Recording
    it moves the request into the retention talk; it can be corrected there."""
    require_same_branch(request.branch_id, actor)
    require_counter(actor)
    req = lock_request(request)
    if req.state not in (TransferState.DOCUMENTS_VERIFIED, TransferState.RETENTION):
        raise InvalidState(_("The reason is recorded after the documents are verified."))
    if not primary_reason.active:
        raise InvalidInput(_("That reason is no longer in use."))
    others = [r for r in other_reasons if r.pk != primary_reason.pk]
    req.primary_reason = primary_reason
    req.reason_note = note.strip()
    comment = "、".join([primary_reason.name, *(r.name for r in others)])
    if req.state == TransferState.DOCUMENTS_VERIFIED:
        apply_transition(
            req,
            "record_reason",
            actor=actor,
            comment=comment,
            client_ip=client_ip,
            update_fields=("primary_reason", "reason_note"),
        )
    else:
        req.save(update_fields=["primary_reason", "reason_note"])
        audit(
            req,
            actor=actor,
            action="reason_changed",
            from_state=req.state,
            comment=comment,
            client_ip=client_ip,
        )
    req.other_reasons.set(others)
    return req


@transaction.atomic
def transfer_go_on(
    *, request: TransferRequest, actor: Staff, comment: str = "", client_ip: str | None = None
) -> TransferRequest:
    """The customer insists. Always one step: retention must never become forced retention."""
    require_same_branch(request.branch_id, actor)
    req = lock_request(request)
    missing_manager = account_manager_missing(req.customer)
    if missing_manager is not None:
        raise InvalidInput(missing_manager.message, code=missing_manager.code)
    apply_transition(req, "go_on", actor=actor, comment=comment, client_ip=client_ip)
    notices.approvers_notify(request=req, actor=actor)
    return req


@transaction.atomic
def transfer_customer_stays(
    *, request: TransferRequest, actor: Staff, comment: str = "", client_ip: str | None = None
) -> TransferRequest:
    require_same_branch(request.branch_id, actor)
    req = lock_request(request)
    req.ended_at = timezone.now()
    apply_transition(
        req,
        "customer_stays",
        actor=actor,
        comment=comment,
        client_ip=client_ip,
        update_fields=("ended_at",),
    )
    request_outcome_settled(request=req, actor=actor)  # Art. 30: a deferred customer who stays
    return req


@transaction.atomic
def transfer_defer(
    *,
    request: TransferRequest,
    actor: Staff,
    follow_up_on: dt.date,
    comment: str = "",
    client_ip: str | None = None,
) -> TransferRequest:
    """Art. 23, 25, 29: the customer agrees to try the service again for a while. Approvals
    given so far lapse: when they come back, the decision is taken afresh."""
    require_same_branch(request.branch_id, actor)
    if follow_up_on <= beijing_today():
        raise InvalidInput(_("The follow-up date must be in the future."))
    req = lock_request(request)
    req.follow_up_on = follow_up_on
    req.approval_round += 1
    apply_transition(
        req,
        "defer",
        actor=actor,
        client_ip=client_ip,
        comment=_("follow up on {date}").format(date=follow_up_on.isoformat())
        + (f" — {comment}" if comment else ""),
        update_fields=("follow_up_on", "approval_round"),
    )
    request_outcome_settled(request=req, actor=actor)  # Art. 30: the work memo of a deferral
    return req


@transaction.atomic
def transfer_resume(
    *, request: TransferRequest, actor: Staff, comment: str = "", client_ip: str | None = None
) -> TransferRequest:
    """A deferred customer decides to go on: the two-trading-day clock starts again."""
    require_same_branch(request.branch_id, actor)
    req = lock_request(request)
    calendar = TradingCalendar()
    req.due_on = calendar.add_trading_days(
        calendar.trading_date_of(timezone.now()), TRADING_DAYS_TO_COMPLETE
    )
    apply_transition(
        req, "resume", actor=actor, comment=comment, client_ip=client_ip, update_fields=("due_on",)
    )
    notices.approvers_notify(request=req, actor=actor)
    return req
