"""Departure of an account manager or external broker (Art. 28): their customers are given
to a named person or a service team in one step, flagged as at risk, and each gets a
contact task so someone speaks to them directly."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Customer, Staff
from kernel.calendar import TradingCalendar, beijing_today
from kernel.errors import InvalidInput, require_same_branch
from notifications.services import notify

from .. import permissions
from ..errors import RetentionErrorCode
from ..models import (
    AtRiskFlag,
    DepartureKind,
    RetentionAction,
    RetentionContactTask,
    RiskRule,
    ServiceTeam,
    ServiceTeamAssignment,
    StaffDeparture,
)
from ._common import apply_transition, clean_text, require

# Art. 28 asks for direct contact "尽力" — the branch holds itself to three trading days.
CONTACT_WITHIN_TRADING_DAYS = 3


@transaction.atomic
def departure_reassign(
    *,
    departed: Staff,
    actor: Staff,
    kind: str = DepartureKind.EMPLOYEE,
    left_on: dt.date | None = None,
    to_person: Staff | None = None,
    to_team: ServiceTeam | None = None,
    note: str = "",
) -> StaffDeparture:
    require_same_branch(departed.branch_id, actor)
    require(
        permissions.may_reassign_customers(actor),
        _("Only the marketing director or general manager reassigns customers."),
    )
    if kind not in DepartureKind.values:
        raise InvalidInput(_("Unknown kind of departure."))
    if (to_person is None) == (to_team is None):
        raise InvalidInput(_("Give the customers to one person or to one service team."))
    if to_team is not None:
        require_same_branch(to_team.branch_id, actor)
        if not to_team.active:
            raise InvalidInput(_("That service team is no longer active."))
        new_manager = to_team.lead
    else:
        assert to_person is not None
        require_same_branch(to_person.branch_id, actor)
        new_manager = to_person
    if new_manager.pk == departed.pk:
        raise InvalidInput(_("The customers cannot be given back to the person who left."))
    if not permissions.may_take_over_customers(new_manager):
        raise InvalidInput(
            _("{name} is not an active account manager: choose someone who is.").format(
                name=new_manager
            ),
        )
    today = beijing_today()
    left_on = left_on or today

    # Every customer of theirs in this branch only, locked in pk order.
    customers = list(
        Customer.objects.select_for_update(of=("self",))
        .filter(branch_id=departed.branch_pk, account_manager=departed)
        .order_by("pk")
    )
    if not customers:
        raise InvalidInput(
            _("{name} has no customers at this branch: nothing to reassign.").format(name=departed),
            code=RetentionErrorCode.NOTHING_TO_DO,
        )
    departure = StaffDeparture.objects.create(
        branch_id=departed.branch_pk,
        departed=departed,
        kind=kind,
        left_on=left_on,
        to_person=to_person,
        to_team=to_team,
        customers_moved=len(customers),
        note=clean_text(note, field=_("Note"), max_length=300, required=False),
        recorded_by=actor,
    )
    ids = [c.pk for c in customers]
    Customer.objects.filter(pk__in=ids).update(account_manager=new_manager)
    if to_team is not None:
        ServiceTeamAssignment.objects.bulk_create(
            [
                ServiceTeamAssignment(customer=c, team=to_team, departure=departure)
                for c in customers
            ]
        )
    details = {
        "departed": str(departed),
        "left_on": left_on.isoformat(),
        "taken_over_by": departure.taken_over_by,
    }
    AtRiskFlag.objects.bulk_create(
        [
            AtRiskFlag(
                branch_id=departed.branch_pk,
                customer=c,
                rule=RiskRule.MANAGER_DEPARTED,
                business_date=today,
                details=details,
            )
            for c in customers
        ],
        ignore_conflicts=True,
    )
    due = TradingCalendar().add_trading_days(today, CONTACT_WITHIN_TRADING_DAYS)
    what = _("Contact the customer directly: {name} has left; keep them with us (Art. 28).").format(
        name=departed
    )
    RetentionContactTask.objects.bulk_create(
        [
            RetentionContactTask(
                branch_id=departed.branch_pk,
                customer=c,
                assigned_to=new_manager,
                team=to_team,
                departure=departure,
                what=what,
                due_on=due,
            )
            for c in customers
        ]
    )
    recipients = {new_manager.pk: new_manager}
    if to_team is not None:
        recipients.update({m.pk: m for m in to_team.members.filter(is_active=True)})
    notify(
        recipients=recipients.values(),
        subject=_("{count} customers of {name} are now yours: contact each by {date}").format(
            count=len(customers), name=departed, date=due.isoformat()
        ),
        link=reverse("retention_tasks"),
    )
    return departure


@transaction.atomic
def contact_task_complete(
    *, task: RetentionContactTask, actor: Staff, outcome: str, client_ip: str | None = None
) -> RetentionContactTask:
    require_same_branch(task.branch_id, actor)
    locked = RetentionContactTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
    locked.outcome = clean_text(outcome, field=_("Outcome"), max_length=2000)
    locked.done_at = timezone.now()
    locked.done_by = actor
    apply_transition(
        locked,
        "complete",
        actor=actor,
        action=RetentionAction.CONTACT_DONE,
        refusal=_("This task is already done."),
        comment=locked.outcome,
        client_ip=client_ip,
        update_fields=["outcome", "done_at", "done_by"],
    )
    return locked
