"""Open revisits follow their customer to a new account manager (core_system's hook)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Staff
from core_system.hooks import ManagerMove
from kernel.workflow import transition_take

from ..models import RevisitAction, RevisitTask, TaskStatus
from ._common import audit


def revisits_hand_over(*, moves: list[ManagerMove], actor: Staff | None) -> int:
    """Each open revisit of a moved customer that the previous manager held goes to the new
    one, through the task's reassign transition, with the previous and new owner in its
    audit row. Taken by the system: the export, not a director, decided the move."""
    wanted = Q(pk__in=[])
    for move in moves:
        wanted |= Q(customer_id=move.customer_id, owner_id=move.from_manager_id)
    new_owner = {m.customer_id: m.to_manager_id for m in moves}
    tasks = list(
        RevisitTask.objects.select_for_update(of=("self",), no_key=True)
        .filter(wanted, status=TaskStatus.OPEN)
        .order_by("pk")
    )
    for task in tasks:
        previous = task.owner_id
        task.owner_id = new_owner[task.customer_id]

        def record(
            _before: str, _after: str, task: RevisitTask = task, previous: int | None = previous
        ) -> None:
            audit(
                task,
                actor=actor,
                action=RevisitAction.REASSIGNED,
                from_state=TaskStatus.OPEN,
                comment=_("Moved by the core system's customer master"),
                from_owner_id=previous,
                to_owner_id=task.owner_id,
            )

        transition_take(
            task, "reassign", actor=actor, by_system=True, update_fields=["owner"], record=record
        )
    return len(tasks)
