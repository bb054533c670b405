"""An approver takes back their own approval of the current round (Art. 9, 10, 17 ask each
approver's yes; one given too fast is withdrawn before it is acted on): until processing
starts the request waits for that step again, and every later step already given on it
falls with it, since those approvers signed on top of it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Staff
from kernel.errors import Forbidden, InvalidInput, require_same_branch
from kernel.workflow import transition_take

from .. import approval_rules as rules
from .. import permissions
from ..errors import TransferErrorCode
from ..models import Approval, ApprovalStep, AuditAction, TransferRequest
from . import notices
from ._workflow import audit, lock_request

REASON_MAX_LENGTH = 300


def later_steps(route: tuple[ApprovalStep, ...], step: str) -> set[str]:
    """The steps of the route that open only once `step` is given (approval_rules' order):
    those still closed when every other step is in."""
    return {
        later
        for later in route
        if later != step
        and later not in rules.open_steps(route, [s for s in route if s not in (step, later)])
    }


def approvals_falling(*, request: TransferRequest, actor: Staff) -> list[Approval]:
    """What a recall by this person would withdraw now, their own first: what the request
    page says before they recall (reads the prefetched approvals)."""
    own = permissions.own_standing_approval(actor, request)
    if own is None:
        return []
    falls = later_steps(rules.route_for(request), own.step)
    later = [
        a for a in request.approvals.all() if a.round == request.approval_round and a.step in falls
    ]
    return [own, *sorted(later, key=lambda a: a.pk)]


@transaction.atomic
def approval_recall(
    *, request: TransferRequest, actor: Staff, reason: str, client_ip: str | None = None
) -> list[Approval]:
    """Withdraw the actor's own approval of the current round, with a reason; the approvals
    of the later steps fall with it. One audit row per approval withdrawn, the first of them
    carrying the request back to awaiting approval. Returns the withdrawn approvals, the
    actor's first."""
    require_same_branch(request.branch_id, actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            _("Say why you recall your approval."), code=TransferErrorCode.COMMENT_NEEDED
        )
    # Locked before anything is read: processing starts under the same lock, so of a recall
    # and a start at the same moment exactly one goes through (tests/transfers/test_recall.py).
    req = lock_request(request)
    own = permissions.own_standing_approval(actor, req)
    route = rules.route_for(req)
    fallen = []
    if own is not None:
        falls = later_steps(route, own.step)
        fallen = [
            a
            for a in Approval.objects.select_for_update(of=("self",))
            .filter(request=req, round=req.approval_round, step__in=falls)
            .select_related("approver")
            .order_by("pk")
        ]
    # Empty only when the transition's permission refuses: record() then never runs.
    withdrawn = [own, *fallen] if own is not None else []
    now = timezone.now()

    def record(before: str, _after: str) -> None:
        recalled = withdrawn[0].get_step_display()
        Approval.with_withdrawn.filter(pk__in=[a.pk for a in withdrawn]).update(withdrawn_at=now)
        audit(
            req,
            actor=actor,
            action=AuditAction.APPROVAL_RECALLED,
            from_state=before,
            comment=f"{recalled} — {reason[:REASON_MAX_LENGTH]}",
            client_ip=client_ip,
        )
        for approval in fallen:
            audit(
                req,
                actor=actor,
                action=AuditAction.APPROVAL_FELL,
                from_state=req.state,
                comment=_("{step} by {approver}: approved after the recalled {recalled}").format(
                    step=approval.get_step_display(),
                    approver=approval.approver,
                    recalled=recalled,
                ),
                client_ip=client_ip,
            )

    try:
        transition_take(
            req,
            "recall_approval",
            actor=actor,
            record=record,
            state_refusal=_(
                "Your approval can no longer be recalled: the request is “{state}” "
                "(an approval is recalled only until processing starts)."
            ),
        )
    except Forbidden as exc:
        raise Forbidden(str(exc), code=TransferErrorCode.NOTHING_TO_RECALL) from exc
    notices.approvers_notify(request=req, actor=actor)
    for approval in withdrawn:
        approval.withdrawn_at = now
    return withdrawn
