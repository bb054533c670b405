"""Art. 17: the phone approvals an approver has to sign off, with what each request asked,
for the page that signs them off in one sitting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.models import Staff

from .models import Approval
from .selectors import pending_sign_offs_for


@dataclass(frozen=True)
class SignOffRow:
    approval: Approval
    overdue: bool


def sign_off_sitting(actor: Staff, *, today: dt.date) -> list[SignOffRow]:
    """Every phone approval recorded in the actor's name, of their branch, not yet signed
    off nor disputed, the earliest due first; overdue when its due day is past."""
    if actor.branch_id is None:
        return []
    approvals = (
        pending_sign_offs_for(actor)
        .filter(request__branch_id=actor.branch_id)
        .select_related("recorded_by", "request__primary_reason")
        .order_by("sign_off_due_on", "approved_at", "pk")
    )
    return [
        SignOffRow(
            approval=a,
            overdue=a.sign_off_due_on is not None and a.sign_off_due_on < today,
        )
        for a in approvals
    ]
