"""Substitutes for a period (Art. 17: "如遇各级审核人员临时外出"). An approver who will be out
names a colleague who takes their approval steps meanwhile; the general manager may name one
for them. The rule that lets the substitute sign is approval_rules (their `covers`); this
module holds who may name whom, for which steps and days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Staff
from kernel.calendar import beijing_today
from kernel.errors import Conflict, Forbidden, InvalidInput, InvalidState, require_same_branch

from .. import approval_rules as rules
from .. import permissions, routing
from ..models import ApprovalStep, Substitution
from . import notices


def _steps(steps: Iterable[str]) -> list[ApprovalStep]:
    chosen = list(dict.fromkeys(str(s) for s in steps))
    if not chosen:
        raise InvalidInput(_("Choose at least one approval step the substitute takes."))
    unknown = [s for s in chosen if s not in ApprovalStep.values]
    if unknown:
        raise InvalidInput(
            _("No such approval step: {steps}.").format(steps=", ".join(unknown)),
            details={"steps": unknown},
        )
    return [ApprovalStep(s) for s in ApprovalStep.values if s in chosen]


@transaction.atomic
def substitution_create(
    *,
    actor: Staff,
    absent: Staff,
    substitute: Staff,
    steps: Iterable[str],
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str = "",
) -> Substitution:
    """Name `substitute` to take `absent`'s approval steps from `starts_on` to `ends_on`
    (Beijing dates, both included)."""
    require_same_branch(absent.branch_id, actor)
    if not permissions.may_name_substitute(actor, absent):
        raise Forbidden(
            _("An approver names their own substitute; the general manager may name one for them.")
        )
    if substitute.branch_id != absent.branch_id:
        raise InvalidInput(_("The substitute must work at the same branch."))
    if substitute.pk == absent.pk:
        raise InvalidInput(_("Nobody substitutes for themselves: choose a colleague."))
    if not substitute.is_active:
        raise InvalidInput(
            _("{name}'s account is not active: only active staff approve.").format(name=substitute)
        )
    chosen = _steps(steps)
    not_held = [s for s in chosen if not rules.holds_role_of(s, absent)]
    if not_held:
        raise InvalidInput(
            _("{name} does not take the {steps} step: there is nothing to hand over.").format(
                name=absent, steps=", ".join(str(s.label) for s in not_held)
            )
        )
    too_junior = [s for s in chosen if not rules.may_cover(s, substitute.role_names)]
    if too_junior:
        raise InvalidInput(
            _(
                "{name} cannot take the {steps} step: a substitute holds a role at least as "
                "senior as the step's."
            ).format(name=substitute, steps=", ".join(str(s.label) for s in too_junior))
        )
    if ends_on < starts_on:
        raise InvalidInput(_("The last day comes before the first day."))
    if starts_on < beijing_today():
        raise InvalidInput(_("A substitution starts today or later; the past is not handed over."))
    # Two people naming a substitute for the same approver at once: one waits for the other,
    # so the overlap check below sees what the first one named.
    list(
        Staff.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in={absent.pk, substitute.pk})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    same_days = Substitution.objects.overlapping(starts_on, ends_on)
    for other in same_days.filter(absent=absent):
        shared = [s for s in chosen if s in other.steps]
        if shared:
            raise Conflict(
                _(
                    "{name} already has a substitute for the {steps} step from {first} to "
                    "{last}: cancel that one first or choose other days."
                ).format(
                    name=absent,
                    steps=", ".join(str(s.label) for s in shared),
                    first=other.starts_on,
                    last=other.ends_on,
                ),
                details={"substitution": other.pk},
            )
    away = same_days.filter(absent=substitute).first()
    if away is not None:
        raise Conflict(
            _("{name} is away themselves from {first} to {last}: choose someone else.").format(
                name=substitute, first=away.starts_on, last=away.ends_on
            ),
            details={"substitution": away.pk},
        )
    substitution = Substitution.objects.create(
        branch_id=actor.branch_pk,
        absent=absent,
        substitute=substitute,
        steps=[str(s) for s in chosen],
        starts_on=starts_on,
        ends_on=ends_on,
        named_by=actor,
        reason=reason.strip()[:300],
    )
    routing.approvers_changed()
    notices.substitution_notify(substitution=substitution, actor=actor)
    return substitution


@transaction.atomic
def substitution_cancel(*, substitution: Substitution, actor: Staff) -> Substitution:
    """Ends a substitution now: from this moment the substitute takes no step for the absent
    approver; what they approved stays approved."""
    require_same_branch(substitution.branch_id, actor)
    locked = Substitution.objects.select_for_update(of=("self",)).get(pk=substitution.pk)
    if locked.cancelled_at is not None:
        raise Conflict(_("This substitution is already cancelled."))
    if locked.ends_on < beijing_today():
        raise InvalidState(_("This substitution is over: there is nothing to cancel."))
    if not permissions.may_cancel_substitution(actor, locked):
        raise Forbidden(
            _("Who named the substitute, the absent approver or the general manager cancels it.")
        )
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.save(update_fields=["cancelled_at", "cancelled_by"])
    routing.approvers_changed()
    notices.substitution_notify(substitution=locked, actor=actor)
    return locked
