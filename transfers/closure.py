"""The closure part of a request (Art. 19): a fund account closes once the Shanghai
designation is revoked, the Shenzhen custody transferred, interest settled and the cash
withdrawn, and every agreement with the branch fulfilled.

Customers do "transfer and revoke now, close once the custody has moved": a request that
carries those parts with the closure finishes them at the counter and waits, visibly, for the
core system to show the rest. Only what this request cannot wind up at all — a designation or
a custody it does not move — refuses the closure at reception; the rest is awaited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from core_system.adapters import ClosureAsk, Condition, get_core_system

# What only a revocation or a custody transfer winds up: a closure without that part in the
# same request can never finish.
NEEDS_ITS_OWN_PART = frozenset({"sh_designated", "sz_custody"})


def closure_conditions_for(
    *, customer: Any, revoking_sh: bool, transferring_sz: bool
) -> list[Condition]:
    """What ties the fund account to the branch; a Shanghai revocation or a Shenzhen transfer
    the same request makes counts as done, since processing does them first."""
    return get_core_system().closure_conditions_missing(
        customer, revoking_sh=revoking_sh, transferring_sz=transferring_sz
    )


def _unmet_ask(req: Any) -> ClosureAsk:
    # Nothing counted as done ahead of time.
    return ClosureAsk(req.customer, revoking_sh=False, transferring_sz=False)


def _unmet_said(req: Any, missing: list[Condition]) -> list[Condition]:
    """Once this request has sent the custody on its way, the custody still shown here is
    said as what it is."""
    if req.wants_sz_transfer and req.completed_at is not None:
        moving = _(
            "The Shenzhen custody transfer is under way: waiting for the core system to show "
            "the holdings moved."
        )
        return [Condition(c.code, moving) if c.code == "sz_custody" else c for c in missing]
    return missing


def _awaited_ask(req: Any) -> ClosureAsk:
    return ClosureAsk(
        req.customer,
        revoking_sh=req.wants_sh_revocation and req.customer.sh_designated_here,
        transferring_sz=req.wants_sz_transfer,
    )


def closure_conditions_unmet(req: Any) -> list[Condition]:
    """What ties the account to the branch now, as the core system and the customer's
    account facts show it."""
    (missing,) = get_core_system().closure_conditions_missing_many([_unmet_ask(req)])
    return _unmet_said(req, missing)


def closure_conditions_awaited(req: Any) -> list[Condition]:
    """What the closure will wait for once this request's own revocation and transfer are
    done: the conditions the counter shows before and while the closure waits."""
    (missing,) = get_core_system().closure_conditions_missing_many([_awaited_ask(req)])
    return missing


def closure_conditions_shown(requests: Iterable[Any]) -> dict[int, list[Condition]]:
    """Art. 19 as the request page and the API show it, for a whole page of requests in one
    call to the core system: nothing for a request without a closure or one that ended;
    before the transfer part is done, what the closure will wait for; after, what it still
    waits for."""
    requests = list(requests)
    asking = [
        (req, _awaited_ask(req) if req.completed_at is None else _unmet_ask(req))
        for req in requests
        if req.wants_closure and not req.is_ended
    ]
    shown: dict[int, list[Condition]] = {req.pk: [] for req in requests}
    if asking:
        answers = get_core_system().closure_conditions_missing_many([a for _r, a in asking])
        for (req, _ask), missing in zip(asking, answers, strict=True):
            shown[req.pk] = missing if req.completed_at is None else _unmet_said(req, missing)
    return shown


def closure_conditions_never_met(
    customer: Any, *, revoking_sh: bool, transferring_sz: bool
) -> list[Condition]:
    """The conditions a closure asked for with these parts can never see met: refused at
    reception, each named (the customer asks for the missing part too, or later)."""
    missing = closure_conditions_for(
        customer=customer, revoking_sh=revoking_sh, transferring_sz=transferring_sz
    )
    return [c for c in missing if c.code in NEEDS_ITS_OWN_PART]
