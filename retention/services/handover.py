"""Open contact tasks follow their customer to a new account manager (core_system's hook)."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Staff
from core_system.hooks import ManagerMove

from ..models import RetentionContactTask, TaskStatus


def contact_tasks_hand_over(*, moves: list[ManagerMove], actor: Staff | None) -> int:
    """Art. 28: whoever now manages the customer makes the open contact. Tasks given to a
    service team's lead by a departure stay with the team."""
    handed = 0
    by_target: dict[tuple[int, int | None], list[int]] = {}
    for move in moves:
        by_target.setdefault((move.to_manager_id, move.from_manager_id), []).append(
            move.customer_id
        )
    for (to_id, from_id), customers in sorted(by_target.items(), key=lambda kv: kv[0][0]):
        handed += RetentionContactTask.objects.filter(
            Q(customer_id__in=customers),
            assigned_to_id=from_id,
            team__isnull=True,
            status=TaskStatus.OPEN,
        ).update(assigned_to_id=to_id)
    return handed
