"""Art. 33: on-site events for customers who transferred out — talks, product and service
presentations — with invitations and attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Customer, Staff
from kernel.errors import Forbidden, InvalidInput, InvalidState, NotFound, require_same_branch

from .. import permissions
from ..models import EventInvitation, RevisitEvent


@transaction.atomic
def event_create(
    *, actor: Staff, title: str, starts_at: dt.datetime, place: str, programme: str = ""
) -> RevisitEvent:
    if not permissions.may_organise_events(actor):
        raise Forbidden(
            _("Only the marketing director or general manager organises events."),
        )
    if not title.strip() or not place.strip():
        raise InvalidInput(_("Give the event a title and a place."))
    return RevisitEvent.objects.create(
        branch_id=actor.branch_pk,
        title=title.strip(),
        starts_at=starts_at,
        place=place.strip(),
        programme=programme.strip(),
        created_by=actor,
    )


@transaction.atomic
def event_invite(*, event: RevisitEvent, actor: Staff, customers: Iterable[Customer]) -> int:
    """Invite customers of the event's branch; inviting someone twice changes nothing.
    Returns how many were newly invited."""
    require_same_branch(event.branch_id, actor)
    if not permissions.may_invite(actor):
        raise Forbidden(_("You may not invite customers to events."))
    if event.starts_at < timezone.now():
        raise InvalidState(_("The event has already started."))
    chosen = list(customers)
    if any(c.branch_id != event.branch_id for c in chosen):
        raise NotFound(_("Not found."))
    before = event.invitations.count()
    EventInvitation.objects.bulk_create(
        [EventInvitation(event=event, customer=c, invited_by=actor) for c in chosen],
        ignore_conflicts=True,
    )
    return event.invitations.count() - before


@transaction.atomic
def event_mark_attendance(
    *, event: RevisitEvent, actor: Staff, attended_customer_ids: Iterable[int]
) -> int:
    """After the event: who came. Everyone invited and not ticked did not come. Returns how
    many attended."""
    require_same_branch(event.branch_id, actor)
    if not permissions.may_invite(actor):
        raise Forbidden(_("You may not mark attendance."))
    if event.starts_at > timezone.now():
        raise InvalidState(_("Attendance is marked once the event has started."))
    came = set(attended_customer_ids)
    now = timezone.now()
    invitations = list(event.invitations.select_for_update().order_by("pk"))
    for invitation in invitations:
        invitation.attended = invitation.customer_id in came
        invitation.marked_by = actor
        invitation.marked_at = now
    EventInvitation.objects.bulk_update(invitations, ["attended", "marked_by", "marked_at"])
    return sum(1 for i in invitations if i.attended)
