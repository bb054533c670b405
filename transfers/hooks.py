"""What other apps do when a request's outcome is settled, offered as an explicit hook: an
app above transfers registers its reaction in its AppConfig.ready() (retention writes the
work memo of Art. 30), and transfers calls every registered reaction in the transition's own
transaction — so the memo and the outcome are saved together or not at all. Transfers never
imports the apps that react. The home page offers the same kind of hook for the panels
other apps add to it (below)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
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


# --- Panels of the home page that other apps fill ------------------------------------------
# The home page is transfers', but some of what a director must see today is another app's
# (retention's commitments due): that app registers a provider in its AppConfig.ready(), and
# the page shows whatever the providers return, without importing them.


@dataclass(frozen=True)
class HomeItem:
    text: str
    link: str
    due_on: dt.date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class HomePanel:
    key: str  # the card's id on the page: dash-<key>
    title: str
    items: list[HomeItem]
    more_link: str = ""
    empty: str = ""


# called as provider(actor=…, today=…, until=…) -> HomePanel | None (None: not for this person)
HomePanelProvider = Callable[..., "HomePanel | None"]

_home_panel_providers: list[HomePanelProvider] = []


def on_home_panel(provider: HomePanelProvider) -> HomePanelProvider:
    """Register a provider of a home-page panel (once however often an app's ready() runs)."""
    if provider not in _home_panel_providers:
        _home_panel_providers.append(provider)
    return provider


def home_panels(*, actor: Staff, today: dt.date, until: dt.date) -> list[HomePanel]:
    """The registered panels for this person: items due by `until` (the next trading day)."""
    panels = (provider(actor=actor, today=today, until=until) for provider in _home_panel_providers)
    return [panel for panel in panels if panel is not None]


# --- Counts other apps add to the approvals queue's rows ------------------------------------
# An approver decides from the queue row without opening the request, and part of what they
# need is another app's (retention's attempts with the customer, Art. 8(4), 20-29): that app
# registers a SQL expression per request (OuterRef("pk") is the request), annotated on the
# queue's one query, so a page of the queue costs the same queries however long it is.

QueueCount = Callable[[], Any]  # returns an expression, e.g. a Subquery counting rows

_queue_counts: dict[str, QueueCount] = {}


def on_queue_count(name: str, expression: QueueCount) -> QueueCount:
    """Register a count shown on each row of the approvals queue as `row[name]`."""
    _queue_counts[name] = expression
    return expression


def queue_counts() -> dict[str, Any]:
    """The registered counts' expressions, by name (annotated on the queue's query)."""
    return {name: expression() for name, expression in _queue_counts.items()}
