"""Approval by tier (Art. 9, 10, 17), in person or by phone with a written sign-off due by
the next trading day, and the blocking check (Art. 16) once the last approval is in."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Customer, Staff
from core_system.adapters import Condition, get_core_system
from kernel.calendar import TradingCalendar, beijing_today
from kernel.errors import (
    ApplicationError,
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidState,
    require_same_branch,
)

from .. import approval_rules as rules
from .. import permissions, routing
from ..errors import TransferErrorCode
from ..models import (
    Approval,
    ApprovalDispute,
    ApprovalMode,
    ApprovalStep,
    AuditAction,
    TransferRequest,
    TransferState,
)
from . import notices
from ._workflow import (
    apply_transition,
    audit,
    lock_request,
    require_counter,
    require_state,
)


def done_steps(req: TransferRequest) -> set[str]:
    return set(
        Approval.objects.filter(request=req, round=req.approval_round).values_list(
            "step", flat=True
        )
    )


def _step_for(req: TransferRequest, approver: Staff) -> ApprovalStep:
    """The step this person takes now (approval_rules.step_for), or a refusal that says why
    none. When the round is stuck because nobody in the branch can take an open step, every
    approver hears which step and why, rather than a reason of their own."""
    round_ = routing.round_of(req)
    verdict = rules.step_for(round_, routing.approver_of(approver))
    if verdict.step is not None:
        return verdict.step
    personal = verdict.refusal in (
        TransferErrorCode.SELF_APPROVAL,
        TransferErrorCode.APPROVER_INACTIVE,
    )
    if not personal and permissions.is_approver(approver):
        stalled = rules.stalled_steps(round_)
        if stalled:
            raise Conflict(
                routing.nobody_can_approve(round_, stalled),
                code=TransferErrorCode.NO_APPROVER,
                details={"steps": [str(step) for step in stalled]},
            )
    raise _refusal(round_, verdict, approver)


def _refusal(round_: rules.Round, verdict: rules.Verdict, approver: Staff) -> ApplicationError:
    code = verdict.refusal
    if code == TransferErrorCode.APPROVER_INACTIVE:
        return Forbidden(
            _("{name}'s account is not active: only active staff approve.").format(name=approver),
            code=code,
        )
    if code == TransferErrorCode.SELF_APPROVAL:
        return Forbidden(_("Nobody approves a request they received themselves."), code=code)
    if code == TransferErrorCode.NOT_THEIRS:
        return Forbidden(_("Only the customer's own account manager approves for them."), code=code)
    if code == TransferErrorCode.NOT_IN_ROUTE:
        return Forbidden(_("This customer's tier needs no approval from your role."), code=code)
    if code == TransferErrorCode.NEEDED_LATER:
        return Conflict(
            _(
                "Not yet: your approval is kept for the {steps} step, which nobody else in the "
                "branch can give; another approver takes the step open now."
            ).format(steps=", ".join(str(step.label) for step in verdict.later)),
            code=code,
            details={"later": [str(step) for step in verdict.later]},
        )
    if code == TransferErrorCode.NOT_YET:
        return Conflict(
            _(
                "Not yet: the counter lead and the account manager approve first, then the "
                "marketing director, and the general manager last."
            ),
            code=code,
        )
    if approver.pk in round_.approved_by:
        return Conflict(_("You have already approved this request."), code=code)
    return Conflict(_("This step has already been approved."), code=code)


def blocking_conditions_for(*, customer: Customer, on: dt.date) -> list[Condition]:
    """Art. 16: every condition that holds for the customer on that day, each in plain
    words — what the last approval, a recheck and the start of processing check."""
    return get_core_system().blocking_conditions(customer, on=on)


def _check_blocking(req: TransferRequest) -> list[dict[str, str]]:
    held = blocking_conditions_for(customer=req.customer, on=beijing_today())
    req.blocking_conditions = [{"code": c.code, "message": c.message} for c in held]
    req.blocking_checked_at = timezone.now()
    return req.blocking_conditions


def settle_after_check(req: TransferRequest, *, actor: Staff, client_ip: str | None) -> None:
    """Approval complete (or a recheck): clear the request, or block it listing why."""
    was = req.state
    held = _check_blocking(req)
    fields = ("blocking_conditions", "blocking_checked_at")
    if held:
        comment = "；".join(c["message"] for c in held)
        if req.state == TransferState.BLOCKED:
            req.save(update_fields=list(fields))
            audit(
                req,
                actor=actor,
                action="recheck",
                from_state=req.state,
                comment=comment,
                client_ip=client_ip,
            )
        else:
            apply_transition(
                req,
                "block",
                actor=actor,
                by_system=True,
                comment=comment,
                client_ip=client_ip,
                update_fields=fields,
            )
    elif req.state == TransferState.APPROVED:
        req.save(update_fields=list(fields))
    else:
        apply_transition(
            req, "clear", actor=actor, by_system=True, client_ip=client_ip, update_fields=fields
        )
    notices.receiver_notify(request=req, actor=actor, was=was)


def _record(
    req: TransferRequest,
    *,
    approver: Staff,
    recorded_by: Staff,
    mode: ApprovalMode,
    note: str,
    client_ip: str | None,
    second_factor: bool = False,
) -> Approval:
    if req.state != TransferState.AWAITING_APPROVAL:
        if req.state in (TransferState.APPROVED, TransferState.BLOCKED):
            # Whoever loses the race for the last step hears that it was already approved
            # (or why it was never theirs), not merely that the state moved on.
            _step_for(req, approver)
        raise InvalidState(
            _("This request is not awaiting approval (it is “{state}”).").format(
                state=req.get_state_display()
            ),
        )
    step = _step_for(req, approver)
    on_behalf_of = routing.acting_for(req, approver, step)
    now = timezone.now()
    due = None
    if mode == ApprovalMode.PHONE:
        # Art. 17: signed in writing after the close that day or on the next trading day.
        due = TradingCalendar().next_trading_day(timezone.localdate(now))
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                request=req,
                round=req.approval_round,
                step=step,
                approver=approver,
                mode=mode,
                approved_at=now,
                recorded_by=recorded_by,
                note=note.strip()[:300],
                sign_off_due_on=due,
                on_behalf_of_id=on_behalf_of,
            )
    except IntegrityError as exc:
        # Two people approving the same step at the same moment: one wins.
        raise Conflict(_("Someone else has just approved this step; reload the request.")) from exc
    audit(
        req,
        actor=recorded_by,
        action=AuditAction.of_approval(step, by_phone=mode != ApprovalMode.IN_PERSON),
        from_state=req.state,
        comment=_for_whom(approval)
        + (_("with a second factor") + " — " if second_factor else "")
        + approval.note,
        client_ip=client_ip,
    )
    if rules.is_complete(rules.route_for(req), done_steps(req)):
        settle_after_check(req, actor=recorded_by, client_ip=client_ip)
    notices.approvers_notify(request=req, actor=recorded_by, approved_step=step)
    return approval


def _for_whom(approval: Approval) -> str:
    """Who the audit row says approved, when it is not the actor alone: the phone approver,
    and a substitute's "for X"."""
    who = str(approval.approver) if approval.mode == ApprovalMode.PHONE else ""
    if approval.on_behalf_of_id is not None:
        who = approval.signed_as
    return f"{who} — " if who else ""


@transaction.atomic
def transfer_approve(
    *,
    request: TransferRequest,
    actor: Staff,
    note: str = "",
    client_ip: str | None = None,
    second_factor: bool = False,
) -> Approval:
    """The approver's own yes, in person or from the app."""
    require_same_branch(request.branch_id, actor)
    req = lock_request(request)
    # Art. 17: the written sign-off (补签) is owed for a yes given by phone, which the counter
    # records in the approver's name. A yes the approver gives in the app themselves, in a
    # session verified by a second factor (second_factor=True, accounts/second_factor.py), is
    # as much their own hand as a signature: it is recorded in person, and nothing is due.
    return _record(
        req,
        approver=actor,
        recorded_by=actor,
        mode=ApprovalMode.IN_PERSON,
        note=note,
        client_ip=client_ip,
        second_factor=second_factor,
    )


@transaction.atomic
def transfer_record_phone_approval(
    *,
    request: TransferRequest,
    actor: Staff,
    approver: Staff,
    note: str = "",
    client_ip: str | None = None,
) -> Approval:
    """Art. 17: an approver who is out approves by phone; the counter records who and when,
    and the request goes on."""
    require_same_branch(request.branch_id, actor)
    require_same_branch(approver.branch_id, actor)
    if not permissions.works_counter(actor):
        raise Forbidden(_("Phone approvals are recorded by counter staff."))
    if approver.pk == actor.pk:
        raise InvalidInput(_("Approve in person: a phone approval is someone else's."))
    req = lock_request(request)
    approval = _record(
        req,
        approver=approver,
        recorded_by=actor,
        mode=ApprovalMode.PHONE,
        note=note,
        client_ip=client_ip,
    )
    notices.phone_approval_notify(approval=approval)
    return approval


def _refuse_withdrawn(approval: Approval) -> None:
    if approval.is_withdrawn:
        raise Conflict(
            _("This approval has been withdrawn (recalled): it no longer counts."),
            code=TransferErrorCode.WITHDRAWN,
        )


@transaction.atomic
def approval_sign_off(
    *, approval: Approval, actor: Staff, client_ip: str | None = None
) -> Approval:
    """The approver's written sign-off (补签) of an approval given by phone."""
    require_same_branch(approval.request.branch_id, actor)
    locked = (
        Approval.with_withdrawn.select_for_update(of=("self",))
        .select_related("request")
        .get(pk=approval.pk)
    )
    if locked.approver_id != actor.pk:
        raise Forbidden(_("Only the approver signs off their own phone approval."))
    _refuse_withdrawn(locked)
    if locked.mode != ApprovalMode.PHONE:
        raise InvalidInput(_("This approval was given in person."))
    if locked.signed_off_at is not None:
        raise Conflict(
            _("This approval is already signed off."), code=TransferErrorCode.ALREADY_SIGNED
        )
    if locked.is_disputed:
        raise Conflict(
            _("You have disputed this approval: there is nothing to sign off."),
            code=TransferErrorCode.DISPUTED,
        )
    locked.signed_off_at = timezone.now()
    locked.save(update_fields=["signed_off_at"])
    req = locked.request
    audit(
        req,
        actor=actor,
        action=AuditAction.of_sign_off(locked.step),
        from_state=req.state,
        client_ip=client_ip,
    )
    return locked


# Until the customer's business is done, a disputed approval sends the round back to be taken
# again; once it is done, nothing is undone (CSRC Order 204: no delaying a customer who left).
REOPENS_ON_DISPUTE = frozenset(
    {
        TransferState.AWAITING_APPROVAL,
        TransferState.APPROVED,
        TransferState.BLOCKED,
        TransferState.PROCESSING,
        TransferState.PASSWORD_LOCKED,
    }
)


@transaction.atomic
def approval_dispute(
    *, approval: Approval, actor: Staff, reason: str, client_ip: str | None = None
) -> ApprovalDispute:
    """Art. 17: the person a phone approval was recorded in the name of says they never gave
    it. The approval stops counting: while the request is still on its way, its approval
    round is taken again (the later steps were given on this one, Art. 9, 10) and the
    customer confirms their password again after it; the directors and the clerks hear of
    it. A written sign-off is the approver's confirmation: after it there is no dispute."""
    require_same_branch(approval.request.branch_id, actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            _("Say why you dispute this phone approval."), code=TransferErrorCode.COMMENT_NEEDED
        )
    req = lock_request(approval.request)
    locked = Approval.with_withdrawn.select_for_update(of=("self",)).get(pk=approval.pk)
    if locked.approver_id != actor.pk:
        raise Forbidden(_("Only the person it was recorded in the name of disputes an approval."))
    _refuse_withdrawn(locked)
    if locked.mode != ApprovalMode.PHONE:
        raise InvalidInput(_("This approval was given in person."))
    if locked.signed_off_at is not None:
        raise Conflict(
            _("You have signed this approval off in writing: it can no longer be disputed."),
            code=TransferErrorCode.ALREADY_SIGNED,
        )
    if locked.is_disputed:
        raise Conflict(
            _("You have already disputed this approval."), code=TransferErrorCode.DISPUTED
        )
    try:
        with transaction.atomic():
            dispute = ApprovalDispute.objects.create(
                approval=locked, disputed_by=actor, reason=reason[:500]
            )
    except IntegrityError as exc:
        raise Conflict(
            _("You have already disputed this approval."), code=TransferErrorCode.DISPUTED
        ) from exc
    step = locked.get_step_display()
    audit(
        req,
        actor=actor,
        action=AuditAction.APPROVAL_DISPUTED,
        from_state=req.state,
        comment=f"{step} — {reason}",
        client_ip=client_ip,
    )
    reopened = locked.round == req.approval_round and req.state in REOPENS_ON_DISPUTE
    if reopened:
        req.approval_round += 1
        req.password_confirmed_at = None
        apply_transition(
            req,
            "reopen_approval",
            actor=actor,
            by_system=True,
            comment=_("{step} by phone disputed").format(step=step),
            client_ip=client_ip,
            update_fields=("approval_round", "password_confirmed_at"),
        )
        notices.approvers_notify(request=req, actor=actor)
    notices.dispute_notify(dispute=dispute, actor=actor, reopened=reopened)
    return dispute


@transaction.atomic
def transfer_send_back(
    *, request: TransferRequest, actor: Staff, comment: str, client_ip: str | None = None
) -> TransferRequest:
    """An approver on this request's route returns it to the counter (an account manager only
    for their own customer). Approvals given so far lapse."""
    require_same_branch(request.branch_id, actor)
    if not comment.strip():
        raise InvalidInput(_("Say why the request is sent back."))
    req = lock_request(request)
    require_state(req, TransferState.AWAITING_APPROVAL)
    if not any(rules.may_fill(step, staff=actor, request=req) for step in rules.route_for(req)):
        raise Forbidden(_("Only an approver on this request's route can send it back."))
    req.approval_round += 1
    apply_transition(
        req,
        "send_back",
        actor=actor,
        comment=comment.strip(),
        client_ip=client_ip,
        update_fields=("approval_round",),
    )
    return req


@transaction.atomic
def transfer_recheck(
    *, request: TransferRequest, actor: Staff, client_ip: str | None = None
) -> TransferRequest:
    """A blocked request is checked again, e.g. the next day once the repo has matured."""
    require_same_branch(request.branch_id, actor)
    require_counter(actor)
    req = lock_request(request)
    require_state(req, TransferState.BLOCKED)
    settle_after_check(req, actor=actor, client_ip=client_ip)
    return req
