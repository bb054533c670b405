"""Recording a revisit (Art. 31: what was covered, what the customer said) and the next
contact it leads to."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Staff
from kernel.calendar import CalendarUnknown, TradingCalendar, beijing_today
from kernel.errors import Forbidden, InvalidInput, InvalidState, require_same_branch

from .. import permissions
from ..errors import RevisitErrorCode
from ..models import (
    Channel,
    Reason,
    RevisitAction,
    RevisitTask,
    TaskStatus,
    Topic,
)
from ._common import apply_transition, free_due_date, lock_task, on_or_before
from .rules import revisit_rules_for

# What comes after a revisit of each kind: the rules with a rhythm continue it; a one-off
# contact is followed by whatever was agreed with the customer.
SUCCESSOR = {
    Reason.LEFT_FIRST: Reason.LEFT_MONTHLY,
    Reason.LEFT_MONTHLY: Reason.LEFT_MONTHLY,
    Reason.INSTITUTION_VISIT: Reason.INSTITUTION_VISIT,
    Reason.DEFERRED_TRIAL_END: Reason.DEFERRED_MONTHLY,
    Reason.DEFERRED_MONTHLY: Reason.DEFERRED_MONTHLY,
    Reason.COMMITMENT: Reason.FOLLOW_UP,
    Reason.FOLLOW_UP: Reason.FOLLOW_UP,
}
CADENCES = frozenset({Reason.LEFT_MONTHLY, Reason.INSTITUTION_VISIT, Reason.DEFERRED_MONTHLY})


@transaction.atomic
def revisit_record(
    *,
    task: RevisitTask,
    actor: Staff,
    done_on: dt.date,
    channel: str,
    topics: Iterable[str],
    outcome: str,
    next_contact_on: dt.date | None = None,
    client_ip: str | None = None,
) -> RevisitTask:
    """The owner (or the marketing director or general manager) records a revisit; the next
    contact, if agreed — or the rule's own rhythm — becomes the next task."""
    require_same_branch(task.branch_id, actor)
    if not permissions.answers_for(actor, task):
        raise Forbidden(
            _("Only the task's owner, the marketing director or the general manager records it."),
        )
    locked = lock_task(task)
    today = beijing_today()
    if done_on > today:
        raise InvalidInput(
            _("A revisit cannot be recorded before it happens."),
            code=RevisitErrorCode.IN_THE_FUTURE,
        )
    if channel not in Channel.values:
        raise InvalidInput(_("Choose how the customer was contacted."))
    if locked.reason == Reason.INSTITUTION_VISIT and channel != Channel.VISIT:
        raise InvalidInput(
            _("Art. 32: an institution's yearly revisit is a visit in person."),
            code=RevisitErrorCode.VISIT_REQUIRED,
        )
    chosen = [t for t in Topic.values if t in set(topics)]
    if not chosen:
        raise InvalidInput(
            _("Tick at least one topic the revisit covered (Art. 31)."),
            code=RevisitErrorCode.TOPICS_MISSING,
        )
    if not outcome.strip():
        raise InvalidInput(
            _("Write down what the customer said."), code=RevisitErrorCode.OUTCOME_MISSING
        )
    if next_contact_on is not None and next_contact_on <= done_on:
        raise InvalidInput(_("The next contact must come after this one."))

    locked.done_on = done_on
    locked.channel = channel
    locked.topics = chosen
    locked.outcome = outcome.strip()
    locked.next_contact_on = next_contact_on
    locked.recorded_by = actor
    locked.recorded_at = timezone.now()
    try:
        apply_transition(
            locked,
            "record",
            actor=actor,
            action=RevisitAction.RECORDED,
            client_ip=client_ip,
            state_refusal=_("Only an open revisit is recorded; this one is “{state}”."),
            update_fields=[
                "done_on",
                "channel",
                "topics",
                "outcome",
                "next_contact_on",
                "recorded_by",
                "recorded_at",
            ],
        )
    except InvalidState as refusal:
        if refusal.details.get("state") != TaskStatus.DONE:
            raise
        raise InvalidState(
            _("This revisit is already recorded."),
            code=RevisitErrorCode.ALREADY_RECORDED,
            details=refusal.details,
        ) from refusal
    following = _next_task(locked, next_contact_on=next_contact_on)
    if following is not None:
        locked.next_task = following
        locked.save(update_fields=["next_task"])
    return locked


def _next_task(done: RevisitTask, *, next_contact_on: dt.date | None) -> RevisitTask | None:
    successor = SUCCESSOR[Reason(done.reason)]
    customer = done.customer
    if successor not in CADENCES:
        if next_contact_on is None:
            return None
        task, _created = RevisitTask.objects.get_or_create(
            customer=customer,
            reason=Reason.FOLLOW_UP,
            source_ref=f"after:{done.pk}",
            due_on=next_contact_on,
            defaults={
                "branch_id": done.branch_id,
                "owner_id": done.owner_id,
                "channel": done.channel,
            },
        )
        return task

    calendar = TradingCalendar()
    rule = revisit_rules_for(branch=customer.branch)[successor]
    # Art. 31, 32, 34: the next contact may come sooner than the rule says, never later.
    assert done.done_on is not None
    limit = done.done_on + dt.timedelta(days=rule.value)
    try:
        latest: dt.date | None = on_or_before(limit, calendar)
    except CalendarUnknown:
        latest = None
    if next_contact_on is not None and next_contact_on > (latest or limit):
        raise InvalidInput(
            _(
                "Art. {article}: the next contact must be on or before {date} ({value} {unit})."
            ).format(
                article=rule.source.article,
                date=(latest or limit).isoformat(),
                value=rule.value,
                unit=rule.source.unit,
            ),
            code=RevisitErrorCode.NEXT_CONTACT_TOO_LATE,
        )
    due = next_contact_on or latest
    if due is None:
        # The rule's date falls in a year whose holidays are not entered yet: the planner
        # plans it once they are, rather than on a guess.
        return None
    source_ref = done.source_ref if successor == Reason.DEFERRED_MONTHLY else ""
    existing = (
        RevisitTask.objects.select_for_update(of=("self",), no_key=True)
        .filter(customer=customer, reason=successor, source_ref=source_ref, status=TaskStatus.OPEN)
        .first()
    )
    if existing is not None and due >= existing.due_on:
        return existing
    # A date agreed with the customer in a year the calendar does not know stands as agreed.
    with contextlib.suppress(CalendarUnknown):
        due = free_due_date(
            customer_id=customer.pk,
            reason=successor,
            source_ref=source_ref,
            due_on=due,
            calendar=calendar,
        )
    if existing is not None:
        existing.due_on = due
        existing.save(update_fields=["due_on"])
        return existing
    return RevisitTask.objects.create(
        branch_id=done.branch_id,
        customer=customer,
        reason=successor,
        source_ref=source_ref,
        due_on=due,
        owner_id=done.owner_id,
        channel=Channel.VISIT if successor == Reason.INSTITUTION_VISIT else rule.channel,
    )


@transaction.atomic
def revisit_reassign(
    *, task: RevisitTask, actor: Staff, owner: Staff, client_ip: str | None = None
) -> RevisitTask:
    """The marketing director or general manager gives an open revisit to someone else of
    the branch (the owner is away, or left: Art. 28); the audit row keeps who held it."""
    require_same_branch(task.branch_id, actor)
    if not permissions.assigns(actor, task):
        raise Forbidden(
            _("Only the marketing director or general manager reassigns revisits."),
        )
    if owner.branch_id != task.branch_id or not permissions.may_own(owner):
        raise InvalidInput(_("Choose an active account manager or director of this branch."))
    locked = lock_task(task)
    previous = locked.owner_id
    locked.owner = owner
    apply_transition(
        locked,
        "reassign",
        actor=actor,
        action=RevisitAction.REASSIGNED,
        client_ip=client_ip,
        state_refusal=_("Only an open revisit can be reassigned."),
        update_fields=["owner"],
        from_owner_id=previous,
        to_owner_id=owner.pk,
    )
    return locked
