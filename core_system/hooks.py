"""What other apps do when the customer master moves customers to another account manager,
offered as an explicit hook: revisits and retention sit above core_system, so they register
their hand-over of open tasks in their AppConfig.ready(), and the import calls each one in
its own transaction — the customers and their open work move together or not at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import Staff


@dataclass(frozen=True)
class ManagerMove:
    customer_id: int
    from_manager_id: int | None
    to_manager_id: int


# called as reaction(moves=[ManagerMove, …], actor=Staff | None) -> int (tasks handed over)
ManagerMoveReaction = Callable[..., Any]

_reactions: list[ManagerMoveReaction] = []


def on_managers_moved(reaction: ManagerMoveReaction) -> ManagerMoveReaction:
    """Register a reaction to customers given to another manager (once however often an
    app's ready() runs)."""
    if reaction not in _reactions:
        _reactions.append(reaction)
    return reaction


def managers_moved(*, moves: list[ManagerMove], actor: Staff | None) -> int:
    """Every registered reaction, in the caller's transaction; the open tasks handed over."""
    if not moves:
        return 0
    return sum(int(reaction(moves=moves, actor=actor) or 0) for reaction in _reactions)
