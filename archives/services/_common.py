"""What every archives service shares: branch and role checks, the audit trail, who is told."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Staff
from accounts.roles import Role
from kernel.errors import ApplicationError

from ..models import ArchiveEvent


def require_same_branch(obj_branch_id: int, actor: Staff) -> None:
    if obj_branch_id != actor.branch_id:
        # Another branch's record does not exist as far as this user is concerned.
        raise ApplicationError(_("Not found."), code="not_found")


def require_role(actor: Staff, *roles: Role, message: str) -> None:
    if not actor.has_role(*roles):
        raise ApplicationError(message, code="forbidden")


def require_archivist(actor: Staff) -> None:
    require_role(actor, Role.ARCHIVIST, message=_("Only the archivist can do this."))


def event(
    *,
    branch_id: int,
    actor: Staff | None,
    action: str,
    comment: str = "",
    client_ip: str | None = None,
    **targets: Any,
) -> ArchiveEvent:
    return ArchiveEvent.objects.create(
        branch_id=branch_id,
        actor=actor,
        action=action,
        comment=comment,
        client_ip=client_ip,
        **targets,
    )


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def apply_transition(obj: Any, name: str, *, actor: Staff | None, by_system: bool = False) -> str:
    """Takes transition `name` on a locked row after checking the transition table (state
    and permission); returns the state it left. The caller saves and writes the event."""
    from django_fsm import can_proceed, has_transition_perm

    method = getattr(obj, name)
    if not can_proceed(method):
        raise ApplicationError(
            _("This cannot be done while it is “{state}”.").format(
                state=obj.get_state_display()
                if hasattr(obj, "get_state_display")
                else obj.get_status_display()
            ),
            code="invalid_state",
        )
    if not by_system and (actor is None or not has_transition_perm(method, actor)):
        raise ApplicationError(_("Your role does not allow this step."), code="forbidden")
    before = getattr(obj, "state", None) or getattr(obj, "status", "")
    method()
    return str(before)
