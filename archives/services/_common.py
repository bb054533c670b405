"""What every archives service shares: the gate on a predicate, the audit trail, the one
transition mechanism."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Staff
from kernel.errors import Forbidden
from kernel.workflow import transition_take

from ..models import ArchiveAction, ArchiveEvent


def require(allowed: bool, refusal: str) -> None:
    """A service's gate: the archives' predicate said no (archives/permissions.py)."""
    if not allowed:
        raise Forbidden(refusal)


def archivist_only() -> str:
    return _("Only the archivist can do this.")


def event(
    *,
    branch_id: int,
    actor: Staff | None,
    action: ArchiveAction,
    comment: str = "",
    client_ip: str | None = None,
    from_state: str = "",
    to_state: str = "",
    **targets: Any,
) -> ArchiveEvent:
    return ArchiveEvent.objects.create(
        branch_id=branch_id,
        actor=actor,
        action=action,
        comment=comment,
        client_ip=client_ip,
        from_state=from_state,
        to_state=to_state,
        **targets,
    )


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def apply_transition(
    obj: Any,
    name: str,
    *,
    actor: Staff | None,
    event_of: dict[str, Any],
    by_system: bool = False,
    update_fields: Iterable[str] = (),
) -> str:
    """Take transition `name` on a locked row through the one mechanism (kernel.workflow):
    state and permission checked, saved with `update_fields`, and the archives' event
    `event_of` written with the states it went from and to. Returns the state it left."""
    return transition_take(
        obj,
        name,
        actor=actor,
        by_system=by_system,
        update_fields=update_fields,
        record=lambda before, after: event(**event_of, from_state=before, to_state=after),
    )
