"""What other apps do when a request's outcome is settled, offered as an explicit hook: an
app above transfers registers its reaction in its AppConfig.ready() (retention writes the
work memo of Art. 30), and transfers calls every registered reaction in the transition's own
transaction — so the memo and the outcome are saved together or not at all. Transfers never
imports the apps that react."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import Staff

    from .models import TransferRequest

OutcomeReaction = Callable[..., Any]  # called as reaction(request=…, actor=…)

_outcome_reactions: list[OutcomeReaction] = []


def on_request_outcome(reaction: OutcomeReaction) -> OutcomeReaction:
    """Register a reaction to a request completed, deferred or withdrawn (once however often
    an app's ready() runs)."""
    if reaction not in _outcome_reactions:
        _outcome_reactions.append(reaction)
    return reaction


def request_outcome_settled(*, request: TransferRequest, actor: Staff) -> None:
    for reaction in _outcome_reactions:
        reaction(request=request, actor=actor)
