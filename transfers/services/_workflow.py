"""The one path every state change takes: lock the row, check the transition against the
table (state, conditions, permission), change it, save, and write the audit row — all in
the caller's transaction."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Staff
from kernel.errors import Forbidden, InvalidState
from kernel.workflow import transition_take

from .. import permissions
from ..models import AuditAction, TransferAuditEntry, TransferRequest


def lock_request(request: TransferRequest) -> TransferRequest:
    """A fresh copy of the request with its row locked until the transaction ends."""
    return (
        TransferRequest.objects.select_for_update(of=("self",))
        .select_related("customer", "customer__branch", "customer__account_manager", "branch")
        .get(pk=request.pk)
    )


def require_counter(actor: Staff) -> None:
    """Art. 8, 11: reception and processing are the counter's work."""
    if not permissions.works_counter(actor):
        raise Forbidden(_("Only counter staff can do this."))


def require_state(req: TransferRequest, *states: str) -> None:
    if req.state not in states:
        raise InvalidState(
            _("This cannot be done while the request is “{state}”.").format(
                state=req.get_state_display()
            ),
            details={"state": req.state},
        )


def audit(
    req: TransferRequest,
    *,
    actor: Staff,
    action: str,
    from_state: str,
    comment: str = "",
    client_ip: str | None = None,
) -> TransferAuditEntry:
    return TransferAuditEntry.objects.create(
        request=req,
        actor=actor,
        action=AuditAction(action),  # an unknown code is a programming error, never stored
        from_state=from_state,
        to_state=req.state,
        comment=comment,
        client_ip=client_ip,
    )


def apply_transition(
    req: TransferRequest,
    name: str,
    *,
    actor: Staff,
    comment: str = "",
    client_ip: str | None = None,
    by_system: bool = False,
    update_fields: tuple[str, ...] = (),
) -> None:
    """Take transition `name` on a locked request, through the one mechanism
    (kernel.workflow): state, conditions and permission checked, saved, audited. `by_system`
    marks the transitions that only the services take after their own checks."""
    transition_take(
        req,
        name,
        actor=actor,
        by_system=by_system,
        update_fields=update_fields,
        state_refusal=_("This cannot be done while the request is “{state}”."),
        record=lambda before, _after: audit(
            req, actor=actor, action=name, from_state=before, comment=comment, client_ip=client_ip
        ),
    )
