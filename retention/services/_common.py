"""What every retention service shares: the refusal a person can read, clean text, and the
one path of every change of state (kernel.workflow) with its audit row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Staff
from kernel.errors import Forbidden, InvalidInput
from kernel.workflow import transition_take

from ..models import (
    CommissionAgreement,
    Commitment,
    Complaint,
    RetentionAction,
    RetentionAuditEntry,
    RetentionContactTask,
)

_TARGET = {
    Commitment: "commitment",
    CommissionAgreement: "commission_agreement",
    RetentionContactTask: "contact_task",
    Complaint: "complaint",
}


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise Forbidden(message or _("Your role does not allow this step."))


def clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(
            _("{field} cannot be empty.").format(field=field),
            details={"field": field},
        )
    if len(value) > max_length:
        raise InvalidInput(
            _("{field} is too long (at most {n} characters).").format(field=field, n=max_length),
            details={"field": field},
        )
    return value


def audit(
    obj: Any,
    *,
    actor: Staff | None,
    action: RetentionAction,
    from_state: str = "",
    comment: str = "",
    client_ip: str | None = None,
) -> RetentionAuditEntry:
    return RetentionAuditEntry.objects.create(
        branch_id=obj.branch_id,
        actor=actor,
        action=RetentionAction(action),  # an unknown code is a programming error
        from_state=from_state,
        to_state=obj.status,
        comment=comment,
        client_ip=client_ip,
        **{_TARGET[type(obj)]: obj},
    )


def apply_transition(
    obj: Any,
    name: str,
    *,
    actor: Staff,
    action: RetentionAction,
    refusal: str,
    comment: str = "",
    client_ip: str | None = None,
    update_fields: Iterable[str] = (),
) -> str:
    """Take transition `name` on a locked row through the one mechanism: state and
    permission checked (a refusal in the object's own words), saved with `update_fields`,
    one audit row. Returns the state it left."""
    return transition_take(
        obj,
        name,
        actor=actor,
        update_fields=update_fields,
        state_refusal=refusal,
        record=lambda before, _after: audit(
            obj,
            actor=actor,
            action=action,
            from_state=before,
            comment=comment,
            client_ip=client_ip,
        ),
    )
