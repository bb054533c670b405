"""Approval routing cannot deadlock (Art. 9, 10, 17), shown over every way a small branch's
staff can hold the approver roles — dual roles included (counter lead and the customer's
account manager, account manager and marketing director, …) — and every tier's route:
whoever approves next, among those the rule lets approve, the round ends complete, or stops
at a step nobody in the branch can approve and says which. It never ends with the request
awaiting approval and nobody able to approve it without saying so.

The oracle is independent of the rule: whether the round could be completed at all is
answered by trying every assignment of the steps to distinct people."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import replace

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Staff
from accounts.roles import Role
from kernel.errors import ApplicationError
from tests.accounts.factories import StaffFactory
from tests.builders import make_branch, to_awaiting_approval
from transfers import approval_rules as rules
from transfers import selectors, services
from transfers.errors import TransferErrorCode
from transfers.models import Approval, ApprovalStep, TransferRequest, TransferState
from transfers.permissions import may_approve

A = ApprovalStep
S = TransferState
YESTERDAY = dt.date(2026, 11, 24)  # the trading day before the suite's frozen Wednesday
APPROVER_ROLES = (
    Role.COUNTER_LEAD,
    Role.ACCOUNT_MANAGER,
    Role.MARKETING_DIRECTOR,
    Role.GENERAL_MANAGER,
)
ROLE_OF = {
    A.COUNTER_LEAD: Role.COUNTER_LEAD,
    A.ACCOUNT_MANAGER: Role.ACCOUNT_MANAGER,
    A.MARKETING_DIRECTOR: Role.MARKETING_DIRECTOR,
    A.GENERAL_MANAGER: Role.GENERAL_MANAGER,
}
ROUTES = {
    "ordinary": (A.COUNTER_LEAD, A.ACCOUNT_MANAGER),
    "important": (A.COUNTER_LEAD, A.ACCOUNT_MANAGER, A.MARKETING_DIRECTOR),
    "core": (A.COUNTER_LEAD, A.ACCOUNT_MANAGER, A.MARKETING_DIRECTOR, A.GENERAL_MANAGER),
}
# Each person of the small branch: any subset of the approver roles, the empty one included.
role_sets = st.frozensets(st.sampled_from(APPROVER_ROLES))
fast = settings(max_examples=200, deadline=None, derandomize=True, database=None)


def _oracle_can_complete(
    steps: list[ApprovalStep], people: list[rules.Approver], manager: int | None, receiver: int
) -> bool:
    """Some assignment of these steps to distinct people, each allowed to sign theirs."""

    def allowed(step: ApprovalStep, who: rules.Approver) -> bool:
        if not who.active or who.pk == receiver or str(ROLE_OF[step]) not in who.roles:
            return False
        return step != A.ACCOUNT_MANAGER or who.pk == manager

    return any(
        all(allowed(step, who) for step, who in zip(steps, chosen, strict=True))
        for chosen in itertools.permutations(people, len(steps))
    )


# --- The rule's pure functions, on plain people ------------------------------------------


@st.composite
def rounds(draw):
    roles = draw(st.lists(role_sets, min_size=1, max_size=5))
    people = [
        rules.Approver(pk=n, roles=frozenset(str(r) for r in held), active=draw(st.booleans()))
        for n, held in enumerate(roles, start=1)
    ]
    managers = [p.pk for p in people if str(Role.ACCOUNT_MANAGER) in p.roles]
    manager = draw(st.sampled_from([*managers, *[p.pk for p in people], None]))
    # The receiver is a clerk outside the approvers, or one of them (a counter lead at the counter).
    receiver = draw(st.sampled_from([0, *[p.pk for p in people]]))
    route = ROUTES[draw(st.sampled_from(sorted(ROUTES)))]
    staff = tuple(p for p in people if p.active and p.roles)
    return rules.Round(
        route=route,
        done=frozenset(),
        receiver_id=receiver,
        approved_by=frozenset(),
        account_manager_id=manager,
        staff=staff,
    ), people


def _check_state(round_: rules.Round, people: list[rules.Approver], named: tuple) -> list:
    """What holds in every state of a round; returns who may sign now."""
    allowed = [p for p in people if rules.may_take_a_step(round_, p)]
    stalled = rules.stalled_steps(round_)
    if rules.is_complete(round_.route, round_.done):
        assert not allowed and stalled == ()
        return allowed
    # Nobody may sign exactly when the round is stuck, and it is stuck only at steps named
    # from the start; what is named does not change as people sign.
    assert (allowed == []) == (stalled != ())
    assert set(stalled) <= set(named)
    assert rules.unfillable_steps(round_) == named
    for who in people:
        verdict = rules.step_for(round_, who)
        assert (verdict.step is None) == (verdict.refusal is not None)
        if verdict.step is not None:
            assert verdict.step in rules.open_steps(round_.route, round_.done)
            assert rules.can_fill(verdict.step, who, account_manager_id=round_.account_manager_id)
            assert who.pk != round_.receiver_id and who.pk not in round_.approved_by
        if verdict.refusal == TransferErrorCode.NEEDED_LATER:
            # Kept for a later step they can fill and that needs them, not open yet.
            assert verdict.later
            for step in verdict.later:
                assert step not in rules.open_steps(round_.route, round_.done)
                assert rules.can_fill(step, who, account_manager_id=round_.account_manager_id)
    return allowed


def _signed(round_: rules.Round, who: rules.Approver) -> rules.Round:
    step = rules.step_for(round_, who).step
    assert step is not None
    return replace(round_, done=round_.done | {step}, approved_by=round_.approved_by | {who.pk})


def _check_end(round_: rules.Round, could: bool, named: tuple) -> str:
    left = {s for s in round_.route if s not in round_.done}
    if could:
        assert not left
        return "complete"
    # Stopped at a named step; whatever was named is still unsigned.
    assert rules.stalled_steps(round_) and set(named) <= left
    return "stuck"


def _start(round_: rules.Round, people: list[rules.Approver]) -> tuple[bool, tuple]:
    could = _oracle_can_complete(
        list(round_.route), people, round_.account_manager_id, round_.receiver_id
    )
    named = rules.unfillable_steps(round_)
    assert (named == ()) == could
    return could, named


PURE_OUTCOMES: Counter[str] = Counter()


@given(start=rounds(), data=st.data())
@fast
def _whoever_signs_next(start, data):
    round_, people = start
    could, named = _start(round_, people)
    while allowed := _check_state(round_, people, named):
        round_ = _signed(round_, data.draw(st.sampled_from(allowed)))
    PURE_OUTCOMES[_check_end(round_, could, named)] += 1


def test_whoever_signs_next_a_round_the_staff_can_complete_ends_complete_else_at_a_named_step():
    _whoever_signs_next()
    assert PURE_OUTCOMES["complete"] and PURE_OUTCOMES["stuck"], PURE_OUTCOMES


def test_every_order_of_signing_by_two_people_of_any_roles_ends_complete_or_at_a_named_step():
    """Exhaustive for a branch of two approvers: every pair of role sets, every choice of the
    customer's account manager and of the receiver, every route, every order of signing."""
    outcomes: Counter[str] = Counter()

    def every_order(round_, people, could, named):
        allowed = _check_state(round_, people, named)
        if not allowed:
            outcomes[_check_end(round_, could, named)] += 1
        for who in allowed:
            every_order(_signed(round_, who), people, could, named)

    subsets = [frozenset(c) for n in range(5) for c in itertools.combinations(APPROVER_ROLES, n)]
    for first, second in itertools.product(subsets, repeat=2):
        people = [
            rules.Approver(pk=1, roles=frozenset(map(str, first))),
            rules.Approver(pk=2, roles=frozenset(map(str, second))),
        ]
        for manager, receiver, route in itertools.product((None, 1, 2), (0, 1, 2), ROUTES.values()):
            round_ = rules.Round(
                route=route,
                done=frozenset(),
                receiver_id=receiver,
                approved_by=frozenset(),
                account_manager_id=manager,
                staff=tuple(people),
            )
            every_order(round_, people, *_start(round_, people))
    assert outcomes["complete"] and outcomes["stuck"]


# --- The same through the services, the permissions and the queue ------------------------

_codes = itertools.count()


@st.composite
def branches(draw):
    staff_roles = draw(st.lists(role_sets.filter(bool), min_size=1, max_size=4))
    manager_index = draw(st.integers(min_value=0, max_value=len(staff_roles) - 1))
    leads = [i for i, held in enumerate(staff_roles) if Role.COUNTER_LEAD in held]
    receiver_index = draw(st.sampled_from([None, *leads]))
    kind = draw(st.sampled_from(["ordinary", "important", "core", "institution"]))
    by_phone = draw(st.lists(st.booleans(), min_size=4, max_size=4))
    return staff_roles, manager_index, receiver_index, kind, by_phone


def _awaiting(staff_roles, manager_index, receiver_index, kind):
    """A branch whose single-role approvers are gone (inactive), the drawn staff instead, and
    a request of the drawn kind received by the clerk or by one of the drawn counter leads."""
    people = make_branch(f"P{next(_codes):05d}")
    gone = [people.lead, people.am, people.md, people.gm]
    Staff.objects.filter(pk__in=[s.pk for s in gone]).update(is_active=False)
    for s in gone:
        s.is_active = False
    staff = [StaffFactory(branch=people.branch, roles=list(held)) for held in staff_roles]
    manager = staff[manager_index]
    if kind == "institution":
        customer = people.institution(account_manager=manager)
    else:
        customer = people.customer(kind, account_manager=manager)
    if customer.approval_tier == "core":  # Art. 18: booked the day before
        people.book_appointment(customer, booked_on=YESTERDAY)
    counter = people if receiver_index is None else replace(people, clerk=staff[receiver_index])
    req = to_awaiting_approval(counter, customer)
    return people, staff, req


def _fresh(req: TransferRequest) -> TransferRequest:
    return (
        TransferRequest.objects.select_related("customer", "customer__branch")
        .prefetch_related("approvals")
        .get(pk=req.pk)
    )


DB_OUTCOMES: Counter[str] = Counter()


@given(drawn=branches(), data=st.data())
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def _approve_until_done_or_stuck(drawn, data):
    staff_roles, manager_index, receiver_index, kind, by_phone = drawn
    with transaction.atomic():
        people, staff, req = _awaiting(staff_roles, manager_index, receiver_index, kind)
        everyone = [people.clerk, people.lead, people.am, people.md, people.gm, *staff]
        route = rules.route_for(req)
        pool = [rules.Approver(pk=s.pk, roles=s.role_names) for s in staff]
        manager = req.customer.account_manager_id
        could = _oracle_can_complete(list(route), pool, manager, req.created_by_id)
        for turn in itertools.count():
            current = _fresh(req)
            allowed = [s for s in everyone if may_approve(s, current)]
            for s in staff:  # the queue agrees with the rule for one request
                queued = selectors.requests_awaiting(s).filter(pk=req.pk).exists()
                assert queued == (s in allowed), s.role_names
            if not allowed:
                break
            who = data.draw(st.sampled_from(allowed))
            if by_phone[turn % 4] and who.pk != people.clerk.pk:
                services.transfer_record_phone_approval(
                    request=current, actor=people.clerk, approver=who
                )
            else:
                services.transfer_approve(request=current, actor=who)
        current = _fresh(req)
        if could:
            assert current.state in (S.APPROVED, S.BLOCKED)
        DB_OUTCOMES["stuck" if current.state == S.AWAITING_APPROVAL else "approved"] += 1
        if current.state != S.AWAITING_APPROVAL:
            assert rules.is_complete(
                route, {a.step for a in current.approvals.all() if a.round == 1}
            )
        else:
            assert not could
            gap = selectors.approval_gap(current)
            assert gap is not None and gap.steps
            for s in staff:
                if s.pk == current.created_by_id:
                    continue
                with pytest.raises(ApplicationError) as refused:
                    services.transfer_approve(request=current, actor=s)
                assert refused.value.code == "no_approver"
                stuck = refused.value.details["steps"]
                assert stuck and set(stuck) <= {str(step) for step in gap.steps}
                assert all(str(ApprovalStep(step).label) in refused.value.message for step in stuck)
        assert Approval.objects.filter(request=req).count() == len(
            {a.approver_id for a in Approval.objects.filter(request=req)}
        )
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_through_the_services_a_request_is_approved_or_stops_at_a_named_step():
    _approve_until_done_or_stuck()
    assert DB_OUTCOMES["approved"] and DB_OUTCOMES["stuck"], DB_OUTCOMES
