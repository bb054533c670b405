"""Commitments (Art. 23, 25, 29, 34): each promise made to a customer has an owner and a due
day, and is kept with evidence or cancelled with a reason. Overdue ones go to the marketing
director."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch, Customer, Staff
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from jobs.registry import notify_once
from kernel.calendar import TradingCalendar, beijing_today
from kernel.errors import InvalidInput, require_same_branch
from notifications.services import notify
from transfers.models import TransferRequest

from .. import permissions
from ..models import Commitment, RetentionAction
from ._common import apply_transition, audit, clean_text, require


@transaction.atomic
def commitment_create(
    *,
    customer: Customer,
    actor: Staff,
    what: str,
    owner: Staff | None = None,
    due_on: dt.date | None = None,
    within_trading_days: int | None = None,
    request: TransferRequest | None = None,
    client_ip: str | None = None,
) -> Commitment:
    """Art. 29: a targeted promise, recorded so it is kept. The due day is a trading day: a
    promise "within three days" counts days the branch is open, and one that would fall
    due on a holiday falls due on the next trading day."""
    from ..selectors import retention_settings_for

    require_same_branch(customer.branch_id, actor)
    require(permissions.talks_with_customers(actor))
    owner = owner or customer.account_manager or actor
    if owner.branch_id != customer.branch_id or not owner.is_active:
        raise InvalidInput(_("The owner must be active staff of this branch."))
    if not permissions.may_own_commitment(owner):
        raise InvalidInput(_("{name} cannot own a promise to a customer.").format(name=owner))
    if request is not None and request.customer_id != customer.pk:
        raise InvalidInput(_("That request is another customer's."))
    if due_on is not None and within_trading_days is not None:
        raise InvalidInput(_("Give a due date or a number of trading days, not both."))
    calendar = TradingCalendar()
    today = beijing_today()
    if due_on is not None:
        if due_on < today:
            raise InvalidInput(_("The due date cannot be in the past."))
        due = calendar.current_or_next_trading_day(due_on)
    else:
        days = within_trading_days
        if days is None:
            days = retention_settings_for(customer.branch).commitment_days_default
        if days < 0 or days > 250:
            raise InvalidInput(_("Give between 0 and 250 trading days."))
        due = calendar.add_trading_days(today, days)
    commitment = Commitment.objects.create(
        branch_id=customer.branch_id,
        customer=customer,
        request=request,
        what=clean_text(what, field=_("What was promised"), max_length=300),
        owner=owner,
        due_on=due,
        created_by=actor,
    )
    audit(commitment, actor=actor, action=RetentionAction.COMMITMENT_MADE, client_ip=client_ip)
    if owner.pk != actor.pk:
        notify(
            recipients=[owner],
            subject=_("A promise to {customer} is yours, due {date}").format(
                customer=customer, date=due.isoformat()
            ),
            body=commitment.what,
            link=reverse("retention_commitments"),
        )
    return commitment


def _lock(commitment: Commitment, actor: Staff) -> Commitment:
    require_same_branch(commitment.branch_id, actor)
    return Commitment.objects.select_for_update(of=("self",)).get(pk=commitment.pk)


@transaction.atomic
def commitment_keep(
    *, commitment: Commitment, actor: Staff, evidence: str, client_ip: str | None = None
) -> Commitment:
    """Art. 29, 34: a promise is kept when there is something to show for it."""
    locked = _lock(commitment, actor)
    locked.evidence = clean_text(evidence, field=_("Evidence"), max_length=2000)
    locked.kept_on = beijing_today()
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    apply_transition(
        locked,
        "keep",
        actor=actor,
        action=RetentionAction.COMMITMENT_KEPT,
        refusal=_("This commitment is already “{state}”."),
        comment=locked.evidence,
        client_ip=client_ip,
        update_fields=["evidence", "kept_on", "closed_at", "closed_by"],
    )
    return locked


@transaction.atomic
def commitment_cancel(
    *, commitment: Commitment, actor: Staff, reason: str, client_ip: str | None = None
) -> Commitment:
    locked = _lock(commitment, actor)
    locked.cancel_reason = clean_text(reason, field=_("Why cancelled"), max_length=300)
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    apply_transition(
        locked,
        "cancel",
        actor=actor,
        action=RetentionAction.COMMITMENT_CANCELLED,
        refusal=_("This commitment is already “{state}”."),
        comment=locked.cancel_reason,
        client_ip=client_ip,
        update_fields=["cancel_reason", "closed_at", "closed_by"],
    )
    return locked


def commitments_escalate_overdue(*, branch: Branch, today: dt.date) -> int:
    """The nightly escalation: each overdue commitment is put before its owner and the
    branch's marketing director(s), once per commitment per day, on trading days only
    (nobody is at the branch on a holiday; the reminder waits for the next trading day).
    Returns how many commitments were escalated. Safe to run twice: the notices' ledger
    (jobs.registry.notify_once) tells each person once per commitment per day."""
    from ..selectors import overdue_commitments

    if not TradingCalendar().is_trading_day(today):
        return 0
    directors = list(staff_with_roles(branch, Role.MARKETING_DIRECTOR))
    escalated = 0
    for commitment in overdue_commitments(branch_id=branch.pk, today=today):
        recipients = {s.pk: s for s in directors}
        if commitment.owner.is_active:
            recipients[commitment.owner_id] = commitment.owner
        told = notify_once(
            kind="retention.commitment_overdue",
            ref=f"commitment:{commitment.pk}",
            recipients=recipients.values(),
            business_date=today,
            subject=_("Overdue promise to {customer}: due {date}").format(
                customer=commitment.customer, date=commitment.due_on.isoformat()
            ),
            body=_("{what} — owner: {owner}").format(what=commitment.what, owner=commitment.owner),
            link=reverse("retention_commitments"),
        )
        escalated += int(told > 0)
    return escalated
