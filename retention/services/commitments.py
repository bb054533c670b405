"""Commitments (Art. 23, 25, 29, 34): each promise made to a customer has an owner and a due
day, and is kept with evidence or cancelled with a reason. Overdue ones go to the marketing
director."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch, Customer, Staff
from accounts.roles import Role
from kernel.calendar import TradingCalendar, beijing_today
from kernel.errors import Forbidden, InvalidInput, InvalidState, require_same_branch
from notifications.services import notify
from transfers.models import TransferRequest

from ..models import Commitment, CommitmentEscalation, CommitmentStatus
from ._common import MANAGERS, RETENTION_ROLES, clean_text, require_role


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
) -> Commitment:
    """Art. 29: a targeted promise, recorded so it is kept. The due day is a trading day: a
    promise "within three days" counts days the branch is open, and one that would fall
    due on a holiday falls due on the next trading day."""
    from ..selectors import retention_settings_for

    require_same_branch(customer.branch_id, actor)
    require_role(actor, *RETENTION_ROLES)
    owner = owner or customer.account_manager or actor
    if owner.branch_id != customer.branch_id or not owner.is_active:
        raise InvalidInput(_("The owner must be active staff of this branch."))
    if not owner.has_role(*RETENTION_ROLES):
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
    if owner.pk != actor.pk:
        notify(
            recipients=[owner],
            subject=_("A promise to {customer} is yours, due {date}").format(
                customer=customer, date=due.isoformat()
            ),
            body=commitment.what,
            link="/retention/commitments/",
        )
    return commitment


def _lock_open(commitment: Commitment, actor: Staff) -> Commitment:
    require_same_branch(commitment.branch_id, actor)
    locked = Commitment.objects.select_for_update(of=("self",)).get(pk=commitment.pk)
    if locked.status != CommitmentStatus.OPEN:
        raise InvalidState(
            _("This commitment is already “{status}”.").format(status=locked.get_status_display()),
        )
    if actor.pk != locked.owner_id and not actor.has_role(*MANAGERS):
        raise Forbidden(_("Only the owner or the branch's managers close a commitment."))
    return locked


@transaction.atomic
def commitment_keep(*, commitment: Commitment, actor: Staff, evidence: str) -> Commitment:
    """Art. 29, 34: a promise is kept when there is something to show for it."""
    locked = _lock_open(commitment, actor)
    locked.evidence = clean_text(evidence, field=_("Evidence"), max_length=2000)
    locked.status = CommitmentStatus.KEPT
    locked.kept_on = beijing_today()
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.save(update_fields=["evidence", "status", "kept_on", "closed_at", "closed_by"])
    return locked


@transaction.atomic
def commitment_cancel(*, commitment: Commitment, actor: Staff, reason: str) -> Commitment:
    locked = _lock_open(commitment, actor)
    locked.cancel_reason = clean_text(reason, field=_("Why cancelled"), max_length=300)
    locked.status = CommitmentStatus.CANCELLED
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.save(update_fields=["cancel_reason", "status", "closed_at", "closed_by"])
    return locked


def commitments_escalate_overdue(*, branch: Branch, today: dt.date) -> int:
    """The nightly escalation: each overdue commitment is put before its owner and the
    branch's marketing director(s), once per commitment per day, on trading days only
    (nobody is at the branch on a holiday; the reminder waits for the next trading day).
    Returns how many commitments were escalated. Safe to run twice: the unique
    (commitment, day) row is taken before anyone is told."""
    from ..selectors import overdue_commitments

    if not TradingCalendar().is_trading_day(today):
        return 0
    directors = list(
        Staff.objects.filter(
            branch=branch, is_active=True, groups__name=Role.MARKETING_DIRECTOR
        ).distinct()
    )
    escalated = 0
    for commitment in overdue_commitments(branch_id=branch.pk, today=today):
        with transaction.atomic():
            _row, created = CommitmentEscalation.objects.get_or_create(
                commitment=commitment, on_date=today
            )
            if not created:
                continue
            recipients = {s.pk: s for s in directors}
            if commitment.owner.is_active:
                recipients[commitment.owner_id] = commitment.owner
            notify(
                recipients=recipients.values(),
                subject=_("Overdue promise to {customer}: due {date}").format(
                    customer=commitment.customer, date=commitment.due_on.isoformat()
                ),
                body=_("{what} — owner: {owner}").format(
                    what=commitment.what, owner=commitment.owner
                ),
                link="/retention/commitments/",
            )
            escalated += 1
    return escalated
