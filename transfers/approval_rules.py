"""Who approves what, in which order (Art. 9, 10, 17).

ordinary  → counter lead and the customer's own account manager, both (any order);
important → those, then the marketing director;
core and institutions → those, then the general manager, who signs last.
"""

from __future__ import annotations

from collections.abc import Collection

from accounts.models import Staff, Tier
from accounts.roles import Role

from .models import ApprovalStep, TransferRequest

A = ApprovalStep

ROUTES: dict[Tier, tuple[ApprovalStep, ...]] = {
    Tier.ORDINARY: (A.COUNTER_LEAD, A.ACCOUNT_MANAGER),
    Tier.IMPORTANT: (A.COUNTER_LEAD, A.ACCOUNT_MANAGER, A.MARKETING_DIRECTOR),
    Tier.CORE: (A.COUNTER_LEAD, A.ACCOUNT_MANAGER, A.MARKETING_DIRECTOR, A.GENERAL_MANAGER),
}

# A step opens once the steps before it in the route are done: the counter lead and the
# account manager sign side by side; the director after both; the general manager last.
_AFTER: dict[ApprovalStep, tuple[ApprovalStep, ...]] = {
    A.COUNTER_LEAD: (),
    A.ACCOUNT_MANAGER: (),
    A.MARKETING_DIRECTOR: (A.COUNTER_LEAD, A.ACCOUNT_MANAGER),
    A.GENERAL_MANAGER: (A.COUNTER_LEAD, A.ACCOUNT_MANAGER, A.MARKETING_DIRECTOR),
}

STEP_ROLE: dict[ApprovalStep, Role] = {
    A.COUNTER_LEAD: Role.COUNTER_LEAD,
    A.ACCOUNT_MANAGER: Role.ACCOUNT_MANAGER,
    A.MARKETING_DIRECTOR: Role.MARKETING_DIRECTOR,
    A.GENERAL_MANAGER: Role.GENERAL_MANAGER,
}


def route_for(request: TransferRequest) -> tuple[ApprovalStep, ...]:
    return ROUTES[request.customer.approval_tier]


def open_steps(route: tuple[ApprovalStep, ...], done: Collection[str]) -> list[ApprovalStep]:
    return [
        step
        for step in route
        if step not in done and all(prior in done for prior in _AFTER[step] if prior in route)
    ]


def is_complete(route: tuple[ApprovalStep, ...], done: Collection[str]) -> bool:
    return all(step in done for step in route)


def holds_role_of(step: ApprovalStep, staff: Staff) -> bool:
    """Whether a person has the role a step asks for (for some request or other)."""
    return staff.has_role(STEP_ROLE[step])


def may_fill(step: ApprovalStep, *, staff: Staff, request: TransferRequest) -> bool:
    """Whether a person holds the authority a step asks for. The account manager's step
    belongs to the customer's own account manager only."""
    if staff.branch_id != request.branch_id or not holds_role_of(step, staff):
        return False
    if step == A.ACCOUNT_MANAGER:
        return request.customer.account_manager_id == staff.pk
    return True
