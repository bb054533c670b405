"""What every archives service shares: branch and role checks, the audit trail, who is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Staff
from accounts.roles import Role
from kernel.errors import Forbidden
from kernel.workflow import transition_take

from ..models import ArchiveEvent


def require_role(actor: Staff, *roles: Role, message: str) -> None:
    if not actor.has_role(*roles):
        raise Forbidden(message)


def require_archivist(actor: Staff) -> None:
    require_role(actor, Role.ARCHIVIST, message=_("Only the archivist can do this."))


def event(
    *,
    branch_id: int,
    actor: Staff | None,
    action: str,
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
