"""Processing at the counter (Art. 11–14): the blocking check once more, the customer's own
password, the fee, a receipt number without gaps, and what the branch keeps."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Staff
from core_system.adapters import Condition, get_core_system
from kernel.calendar import TradingCalendar, beijing_today
from kernel.errors import ApplicationError, Forbidden, InvalidInput, require_same_branch

from .. import permissions
from ..closure import closure_conditions_shown, closure_conditions_unmet
from ..errors import TransferErrorCode
from ..fees import fee_for
from ..hooks import request_outcome_settled
from ..models import (
    ReceiptCounter,
    RetainedDocument,
    TransferRequest,
    TransferState,
)
from ..models.requests import MAX_PASSWORD_UNLOCKS, password_unlocks
from . import notices
from ._workflow import (
    apply_transition,
    audit,
    lock_request,
    require_counter,
    require_state,
)
from .approvals import settle_after_check
from .requests import TRADING_DAYS_TO_COMPLETE

MAX_PASSWORD_TRIES = 5


def closure_conditions_missing(req: TransferRequest) -> list[Condition]:
    """Art. 19, as the request page and the API show it: before the transfer part is done,
    what the closure will wait for; after, what it still waits for."""
    return closure_conditions_shown([req])[req.pk]


@transaction.atomic
def transfer_start_processing(
    *, request: TransferRequest, actor: Staff, client_ip: str | None = None
) -> TransferRequest:
    """Checks the blocking conditions right before processing. If one holds now, the
    request is blocked (and stays blocked on record); the caller reads req.state. Once
    processing starts the fee is fixed: the customer is told it before paying (Art. 12)."""
    require_same_branch(request.branch_id, actor)
    require_counter(actor)
    req = lock_request(request)
    require_state(req, TransferState.APPROVED)
    settle_after_check(req, actor=actor, client_ip=client_ip)
    if req.state == TransferState.APPROVED:
        req.fee_amount = fee_for(req)
        apply_transition(
            req,
            "start_processing",
            actor=actor,
            client_ip=client_ip,
            comment=_("fee {fee}").format(fee=req.fee_amount),
            update_fields=("fee_amount",),
        )
    return req


def transfer_confirm_password(
    *, request: TransferRequest, actor: Staff, password: str, client_ip: str | None = None
) -> TransferRequest:
    """The customer types their own password (conduct rules Q2, Q3: staff never type it).
    It goes to the core system and nowhere else: never stored, logged or shown. A wrong
    try is counted and kept even though the call fails."""
    require_same_branch(request.branch_id, actor)
    require_counter(actor)
    failure: ApplicationError | None = None
    with transaction.atomic():
        req = lock_request(request)
        require_state(req, TransferState.PROCESSING)
        if get_core_system().verify_trading_password(req.customer, password):
            req.password_confirmed_at = timezone.now()
            req.save(update_fields=["password_confirmed_at"])
            audit(
                req,
                actor=actor,
                action="password_confirmed",
                from_state=req.state,
                client_ip=client_ip,
            )
            return req
        req.password_failures += 1
        left = MAX_PASSWORD_TRIES - req.password_failures
        if left > 0:
            req.save(update_fields=["password_failures"])
            audit(
                req, actor=actor, action="password_wrong", from_state=req.state, client_ip=client_ip
            )
            failure = InvalidInput(
                _("Wrong password. {left} tries left.").format(left=left),
                code=TransferErrorCode.WRONG_PASSWORD,
            )
        else:
            apply_transition(
                req,
                "lock_password",
                actor=actor,
                by_system=True,
                client_ip=client_ip,
                update_fields=("password_failures",),
                comment=_("{n} wrong passwords").format(n=MAX_PASSWORD_TRIES),
            )
            notices.password_lock_notify(
                request=req, actor=actor, tries=MAX_PASSWORD_TRIES, client_ip=client_ip
            )
            if password_unlocks(req) < MAX_PASSWORD_UNLOCKS:
                message = _(
                    "Wrong password five times: the request is locked. The marketing director "
                    "has been told and may unlock it after checking the customer's identity."
                )
            else:
                message = _(
                    "Wrong password five times: the request is locked and, unlocked twice "
                    "already, cannot be unlocked again. Refuse it; the customer may apply "
                    "again once the trading password has been reset."
                )
            failure = InvalidInput(message, code=TransferErrorCode.PASSWORD_LOCKED)
    raise failure


@transaction.atomic
def transfer_unlock_password(
    *, request: TransferRequest, actor: Staff, comment: str, client_ip: str | None = None
) -> TransferRequest:
    """Lifts the lock after wrong passwords so the customer may try again: the branch's
    marketing director, never whoever was at the keypad for a wrong try, with a comment on
    how the customer's identity was checked, at most MAX_PASSWORD_UNLOCKS times in the
    request's life (conduct quiz Q2, Q3: the password is the customer's alone)."""
    require_same_branch(request.branch_id, actor)
    comment = comment.strip()
    if not comment:
        raise InvalidInput(
            _("Say how the customer's identity was checked before unlocking."),
            code=TransferErrorCode.COMMENT_NEEDED,
        )
    req = lock_request(request)
    if (
        req.state == TransferState.PASSWORD_LOCKED
        and permissions.unlocks_password_of(actor, req)
        and permissions.typed_wrong_passwords(actor, req)
    ):
        raise Forbidden(
            _(
                "You were at the keypad for a wrong password on this request: another "
                "marketing director unlocks it, or it is refused."
            ),
            code=TransferErrorCode.OWN_WRONG_TRIES,
        )
    req.password_failures = 0
    apply_transition(
        req,
        "unlock_password",
        actor=actor,
        comment=comment,
        client_ip=client_ip,
        update_fields=("password_failures",),
    )
    return req


def required_retained(req: TransferRequest) -> list[RetainedDocument]:
    """Art. 13: the original form, a copy of the identity of whoever came, and for an
    institution a copy of the legal-person authorisation."""
    kinds = [RetainedDocument.FORM_ORIGINAL, RetainedDocument.IDENTITY_COPY]
    if req.customer.is_institution:
        kinds.append(RetainedDocument.AUTHORISATION_COPY)
    return kinds


def next_receipt_number(req: TransferRequest) -> str:
    year = beijing_today().year
    ReceiptCounter.objects.get_or_create(branch_id=req.branch_id, year=year)
    counter = ReceiptCounter.objects.select_for_update().get(branch_id=req.branch_id, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{req.branch.code}-{year}-{counter.last_number:06d}"


@transaction.atomic
def transfer_complete(
    *,
    request: TransferRequest,
    actor: Staff,
    retained: list[str],
    client_ip: str | None = None,
) -> TransferRequest:
    require_same_branch(request.branch_id, actor)
    req = lock_request(request)
    if req.state == TransferState.PROCESSING and req.password_confirmed_at is None:
        raise InvalidInput(
            _("The customer has not confirmed with their password yet."),
            code=TransferErrorCode.PASSWORD_NEEDED,
        )
    missing = [k for k in required_retained(req) if k not in retained]
    if missing:
        raise InvalidInput(
            _("Keep these before completing: {missing}.").format(
                missing="、".join(str(k.label) for k in missing)
            ),
            code=TransferErrorCode.RETAINED_MISSING,
        )
    if req.fee_amount is None:  # processing began before the fee was fixed at its start
        req.fee_amount = fee_for(req)
    now = timezone.now()
    req.completed_at = now
    req.completed_by = actor
    req.retained_documents = sorted(set(retained) & set(RetainedDocument.values))
    account_facts_wind_up(req)
    waiting = closure_conditions_unmet(req) if req.wants_closure else []
    if waiting:
        transition, comment = "complete_awaiting_closure", _("the closure waits for: {what}")
    else:
        transition, comment = "complete", ""
        req.ended_at = now
        if req.wants_closure:
            req.account_closed_at = now
            req.closure_ready_on = beijing_today()
    # Locked last, just before the commit, so concurrent completions wait the least.
    req.receipt_number = next_receipt_number(req)
    receipt = _("receipt {number}, fee {fee}").format(number=req.receipt_number, fee=req.fee_amount)
    apply_transition(
        req,
        transition,
        actor=actor,
        client_ip=client_ip,
        comment="; ".join(
            [receipt, comment.format(what=" ".join(c.message for c in waiting))]
            if waiting
            else [receipt]
        ),
        update_fields=(
            "fee_amount",
            "completed_at",
            "ended_at",
            "completed_by",
            "retained_documents",
            "receipt_number",
            "account_closed_at",
            "closure_ready_on",
        ),
    )
    request_outcome_settled(request=req, actor=actor)  # Art. 30: the memo of a customer who left
    return req


def account_facts_wind_up(req: TransferRequest) -> None:
    """What the branch's own completed business changes in the customer's account facts, in
    the same transaction: a revocation done here leaves no designation here (so a later
    closure is not refused for it, a second revocation is, and the Art. 19 sweep sees it).
    The custody transfer's arrival is the core system's to report."""
    if req.wants_sh_revocation and req.customer.sh_designated_here:
        customer = req.customer
        customer.sh_designated_here = False
        customer.save(update_fields=["sh_designated_here"])


@transaction.atomic
def transfer_close_account(
    *, request: TransferRequest, actor: Staff, client_ip: str | None = None
) -> TransferRequest:
    """Art. 19: the closure part finishes once the core system shows every condition met,
    without the customer coming back to apply again."""
    require_same_branch(request.branch_id, actor)
    require_counter(actor)
    req = lock_request(request)
    require_state(req, TransferState.CLOSURE_PENDING)
    waiting = closure_conditions_unmet(req)
    if waiting:
        raise InvalidInput(
            _("The fund account cannot be closed yet: {missing}").format(
                missing=" ".join(c.message for c in waiting)
            ),
            code=TransferErrorCode.CLOSURE_CONDITIONS,
            details={"missing": [c.code for c in waiting]},
        )
    now = timezone.now()
    req.account_closed_at = req.ended_at = now
    if req.closure_ready_on is None:
        closure_clock_start(req, on=beijing_today())
    apply_transition(
        req,
        "close_account",
        actor=actor,
        client_ip=client_ip,
        update_fields=("account_closed_at", "ended_at", "closure_ready_on", "closure_due_on"),
    )
    return req


def closure_clock_start(req: TransferRequest, *, on: dt.date) -> None:
    """The day the closure's related business is wound up starts its two trading days
    (CSRC Order 204; CSDC 2018)."""
    req.closure_ready_on = on
    req.closure_due_on = TradingCalendar().add_trading_days(on, TRADING_DAYS_TO_COMPLETE)
