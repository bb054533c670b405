"""Who approves what, in which order (Art. 9, 10, 17).

ordinary  → counter lead and the customer's own account manager, both (any order);
important → those, then the marketing director;
core and institutions → those, then the general manager, who signs last.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from accounts.models import Staff, Tier
from accounts.roles import Role

from .errors import TransferErrorCode
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


# Who may stand in for whom (a substitute for a period, transfers/models/substitutes.py): a
# role at least as senior as the step's. The counter lead ranks above an account manager, so
# an account manager's step may be covered by another account manager or anyone senior.
SENIORITY: dict[Role, int] = {
    Role.ACCOUNT_MANAGER: 0,
    Role.COUNTER_LEAD: 1,
    Role.MARKETING_DIRECTOR: 2,
    Role.GENERAL_MANAGER: 3,
}


def may_cover(step: ApprovalStep, roles: Collection[str]) -> bool:
    """Whether someone with these roles is senior enough to take this step for another."""
    needed = SENIORITY[STEP_ROLE[step]]
    return any(SENIORITY[role] >= needed for role in SENIORITY if str(role) in roles)


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


# --- Who takes which step: a round that cannot deadlock (Art. 9, 10, 17) --------------------
# Each step of a round is signed by a different person (nobody approves twice in a round),
# never by the person who received the request, and the account manager's step only by the
# customer's own. So a round is an assignment of its steps to distinct people, and a person
# who holds several roles must take the step that leaves the others fillable: a counter lead
# who is also the customer's account manager takes the account manager's step (nobody else
# can) and leaves the lead's to another lead. The rule below keeps the round completable
# whenever the branch's staff can complete it, and names the step when they cannot.


@dataclass(frozen=True)
class Approver:
    """A member of staff as the routing sees them: who, their roles, and whether they are
    active (an inactive account approves nothing)."""

    pk: int
    roles: frozenset[str]
    active: bool = True
    # (step, absent approver's pk): the steps they take today as someone's substitute.
    covers: frozenset[tuple[str, int]] = frozenset()


@dataclass(frozen=True)
class Round:
    """One round of one request's approvals: everything the rule needs, as plain values.
    `staff` is the branch's active staff who hold an approver role; it may be read lazily,
    since most decisions never look at it (see `step_for`)."""

    route: tuple[ApprovalStep, ...]
    done: frozenset[str]
    receiver_id: int | None
    approved_by: frozenset[int]
    account_manager_id: int | None
    staff: Collection[Approver]


@dataclass(frozen=True)
class Verdict:
    """The step a person takes now, or why none: the refusal's code, and for NEEDED_LATER
    the later steps their approval is kept for."""

    step: ApprovalStep | None = None
    refusal: TransferErrorCode | None = None
    later: tuple[ApprovalStep, ...] = ()


def can_fill(step: ApprovalStep, who: Approver, *, account_manager_id: int | None) -> bool:
    """Whether a person holds the authority a step asks for, whatever the round: an active
    holder of its role, and for the account manager's step the customer's own."""
    if not who.active:
        return False
    return _by_own_role(step, who, account_manager_id) or (
        _covered_for(step, who, account_manager_id) is not None
    )


def _by_own_role(step: ApprovalStep, who: Approver, account_manager_id: int | None) -> bool:
    if STEP_ROLE[step] not in who.roles:
        return False
    return step != A.ACCOUNT_MANAGER or who.pk == account_manager_id


def _covered_for(step: ApprovalStep, who: Approver, account_manager_id: int | None) -> int | None:
    for covered, absent in sorted(who.covers):
        # The account manager's step is covered only for the customer's own account manager.
        if covered == step and (step != A.ACCOUNT_MANAGER or absent == account_manager_id):
            return absent
    return None


def acting_for(step: ApprovalStep, who: Approver, *, account_manager_id: int | None) -> int | None:
    """Whom this person signs the step for: None when the step is theirs by their own role,
    else the absent approver they substitute."""
    if _by_own_role(step, who, account_manager_id):
        return None
    return _covered_for(step, who, account_manager_id)


def usable_covers(round_: Round, who: Approver) -> Approver:
    """A substitute acts for someone who could have signed themselves: never for the request's
    receiver, nor for someone who already approved in this round (approved_by holds those an
    approval was given for, too)."""
    if not who.covers:
        return who
    spent = {round_.receiver_id, *round_.approved_by}
    return replace(who, covers=frozenset(c for c in who.covers if c[1] not in spent))


def remaining(round_: Round) -> list[ApprovalStep]:
    return [step for step in round_.route if step not in round_.done]


def free_staff(round_: Round) -> list[Approver]:
    """Who may still sign in this round: active, not the receiver, not approved yet."""
    return [
        p
        for p in round_.staff
        if p.active and p.pk != round_.receiver_id and p.pk not in round_.approved_by
    ]


def step_for(round_: Round, who: Approver) -> Verdict:
    """The step this person takes now, or why none. Among the open steps they may fill, only
    those that leave the rest of the round as fillable as it was (`keeps_round`); of those,
    the one with the fewest other people who could take it now, then the step that is theirs
    alone (the account manager's), then route order."""
    if not who.active:
        return Verdict(refusal=TransferErrorCode.APPROVER_INACTIVE)
    who = usable_covers(round_, who)
    if who.pk == round_.receiver_id:
        return Verdict(refusal=TransferErrorCode.SELF_APPROVAL)
    if who.pk in round_.approved_by:
        return Verdict(refusal=TransferErrorCode.ALREADY_APPROVED)
    manager = round_.account_manager_id
    theirs = [s for s in round_.route if can_fill(s, who, account_manager_id=manager)]
    if not theirs:
        if A.ACCOUNT_MANAGER in round_.route and STEP_ROLE[A.ACCOUNT_MANAGER] in who.roles:
            return Verdict(refusal=TransferErrorCode.NOT_THEIRS)
        return Verdict(refusal=TransferErrorCode.NOT_IN_ROUTE)
    left = [s for s in theirs if s not in round_.done]
    if not left:
        return Verdict(refusal=TransferErrorCode.ALREADY_APPROVED)
    open_now = open_steps(round_.route, round_.done)
    takeable = [s for s in left if s in open_now]
    if len(left) > 1:
        # Someone who can fill only one remaining step never spoils the round by taking
        # it (some largest assignment always gives it to them), so the staff are read only
        # for people with a choice to make.
        takeable = [s for s in takeable if keeps_round(round_, s, who)]
    if takeable:
        return Verdict(step=min(takeable, key=lambda s: _preference(round_, s, who)))
    if any(s in open_now for s in left):
        later = tuple(s for s in left if s not in open_now and keeps_round(round_, s, who))
        return Verdict(refusal=TransferErrorCode.NEEDED_LATER, later=later)
    return Verdict(refusal=TransferErrorCode.NOT_YET)


def may_take_a_step(round_: Round, who: Approver) -> bool:
    return step_for(round_, who).step is not None


def keeps_round(round_: Round, step: ApprovalStep, who: Approver) -> bool:
    """Whether `who` signing `step` is part of a way to fill every step the branch can fill
    (all of them, unless some are unfillable): the others can then still be signed by the
    rest of the branch's free staff, and the steps named unfillable stay the same ones."""
    people = [p for p in free_staff(round_) if p.pk != who.pk]
    fillable = _fillable(round_, [*people, who])
    if step not in fillable:
        return False
    rest = [s for s in fillable if s != step]
    return _most_filled(rest, people, round_.account_manager_id) == len(rest)


def stalled_steps(round_: Round) -> tuple[ApprovalStep, ...]:
    """The open steps when nobody may take any of them (the round is stuck until the staff
    change), else ()."""
    open_now = open_steps(round_.route, round_.done)
    manager = round_.account_manager_id
    for step in open_now:
        for p in free_staff(round_):
            if can_fill(step, p, account_manager_id=manager) and keeps_round(round_, step, p):
                return ()
    return tuple(open_now)


def unfillable_steps(round_: Round) -> tuple[ApprovalStep, ...]:
    """The steps the branch's free staff cannot fill, however they sign, in route order."""
    fillable = _fillable(round_, free_staff(round_))
    return tuple(s for s in remaining(round_) if s not in fillable)


def _fillable(round_: Round, people: Sequence[Approver]) -> list[ApprovalStep]:
    """The remaining steps these people can fill together. When they cannot fill them all,
    the ones left out are as many as the largest assignment leaves out and, of the choices,
    those signed last (the director's rather than the lead's; the lead's rather than the
    account manager's, which the rule gives to its one holder). Leaving out a step some
    assignment leaves out never changes which others can be filled (the steps form a
    transversal matroid), so one pass from the last-signed step settles it."""
    steps = remaining(round_)
    manager = round_.account_manager_id
    most = _most_filled(steps, people, manager)
    left_out: list[ApprovalStep] = []
    for step in sorted(steps, key=lambda s: _signing_order(round_, s), reverse=True):
        if len(left_out) == len(steps) - most:
            break
        rest = [s for s in steps if s != step and s not in left_out]
        if _most_filled(rest, people, manager) == most:
            left_out.append(step)
    return [s for s in steps if s not in left_out]


def _preference(round_: Round, step: ApprovalStep, who: Approver) -> tuple[int, int, int]:
    manager = round_.account_manager_id
    others = sum(
        1
        for p in free_staff(round_)
        if p.pk != who.pk and can_fill(step, p, account_manager_id=manager)
    )
    return (others, 0 if step == A.ACCOUNT_MANAGER else 1, round_.route.index(step))


def _signing_order(round_: Round, step: ApprovalStep) -> tuple[int, int, int]:
    priors = sum(1 for prior in _AFTER[step] if prior in round_.route)
    return (priors, 0 if step == A.ACCOUNT_MANAGER else 1, round_.route.index(step))


def _most_filled(
    steps: Sequence[ApprovalStep], people: Sequence[Approver], manager: int | None
) -> int:
    """The most of `steps` that distinct `people` can fill (a maximum bipartite matching by
    augmenting paths; a route has at most four steps)."""
    holder: dict[int, ApprovalStep] = {}

    def place(step: ApprovalStep, tried: set[int]) -> bool:
        for p in people:
            if p.pk in tried or not can_fill(step, p, account_manager_id=manager):
                continue
            tried.add(p.pk)
            if p.pk not in holder or place(holder[p.pk], tried):
                holder[p.pk] = step
                return True
        return False

    return sum(1 for step in steps if place(step, set()))
