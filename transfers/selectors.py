"""Reads of transfer requests that are more than one line: approval progress, the queues,
overdue sign-offs and late requests."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from accounts.models import CustomerKind, Staff, Tier
from accounts.norm.resolve import rule_set
from kernel.calendar import CalendarUnknown, TradingCalendar

from . import approval_rules as rules
from . import routing
from .models import (
    ENDED_STATES,
    RUNNING_STATES,
    Approval,
    ApprovalMode,
    ApprovalStep,
    ClosureCandidate,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
)


@dataclass(frozen=True)
class StepProgress:
    step: ApprovalStep
    approval: Approval | None
    is_open: bool  # may be approved now

    @property
    def label(self) -> str:
        return str(self.step.label)


def request_detail_queryset(branch_id: int, *, history: bool = True) -> QuerySet[TransferRequest]:
    """A request with what its page shows; `history=False` leaves out the audit trail, which
    the API does not answer with (a request gathers a dozen entries on its way)."""
    requests = (
        TransferRequest.objects.filter(branch_id=branch_id)
        .select_related(
            "customer",
            "customer__branch",
            "customer__account_manager",
            "created_by",
            "primary_reason",
            "appointment",
            "appointment__host",
            "completed_by",
            "branch",
        )
        .prefetch_related(
            "other_reasons",
            "document_checks",
            Prefetch(
                "approvals",
                queryset=Approval.objects.select_related(
                    "approver", "recorded_by", "dispute", "on_behalf_of"
                ),
            ),
        )
    )
    if history:
        requests = requests.prefetch_related(
            Prefetch("audit_entries", queryset=TransferAuditEntry.objects.select_related("actor"))
        )
    return requests


def approval_progress(req: TransferRequest) -> list[StepProgress]:
    """The route of this request's tier, step by step, with who approved and how."""
    current = {a.step: a for a in req.approvals.all() if a.round == req.approval_round}
    route = rules.route_for(req)
    open_now = (
        rules.open_steps(route, current.keys())
        if req.state == TransferState.AWAITING_APPROVAL
        else []
    )
    return [
        StepProgress(step=step, approval=current.get(step), is_open=step in open_now)
        for step in route
    ]


@dataclass(frozen=True)
class ApprovalGap:
    """Steps of a request awaiting approval that nobody in the branch can approve now."""

    steps: tuple[ApprovalStep, ...]
    message: str


def approval_gap(req: TransferRequest) -> ApprovalGap | None:
    """Whether the branch's active staff can finish this request's round, and if not which
    steps nobody can approve and why, said as soon as it is so, not when the round gets
    stuck there (the customer's two trading days run meanwhile)."""
    if req.state != TransferState.AWAITING_APPROVAL:
        return None
    round_ = routing.round_of(req, current=req.approvals.all())
    steps = rules.unfillable_steps(round_)
    if not steps:
        return None
    return ApprovalGap(steps=steps, message=routing.nobody_can_approve(round_, steps))


def requests_awaiting(actor: Staff) -> QuerySet[TransferRequest]:
    """What waits for this person's approval now, in their branch, oldest first: the approvals
    queue. It selects exactly what permissions.may_approve accepts, the rule for one request
    (tests/transfers/test_approvals_queue_paging.py compares the two over every tier and
    step). The route is followed in SQL, so a page of the queue loads and shows only its own
    requests however long the queue is; for someone who holds several approver roles, which
    step is theirs depends on who else can sign (approval_rules.step_for), so the rule itself
    then picks from the requests SQL found, read as light rows."""
    current = Approval.objects.filter(request=OuterRef("pk"), round=OuterRef("approval_round"))
    done = {step: Exists(current.filter(step=step)) for step in ApprovalStep}
    open_to_actor = []
    for step, tiers, after in _steps_by_role(actor):
        opens = Q(~done[step])
        if len(tiers) < len(rules.ROUTES):  # the step is not on every route
            opens &= Q(approval_tier__in=tiers)
        for prior in after:
            opens &= Q(done[prior])
        if step == ApprovalStep.ACCOUNT_MANAGER:
            opens &= Q(customer__account_manager_id=actor.pk)  # as rules.can_fill
        open_to_actor.append(opens)
    covering = bool(open_to_actor) and bool(routing.approver_of(actor).covers)
    if not open_to_actor or not actor.is_active:
        return TransferRequest.objects.none()
    found = (
        TransferRequest.objects.filter(
            branch_id=actor.branch_pk, state=TransferState.AWAITING_APPROVAL
        )
        .exclude(created_by=actor)
        .alias(approval_tier=_approval_tier(actor.branch_pk))
        .filter(~Exists(current.filter(approver=actor)))
    )
    if covering:
        # A substitute today (transfers/models/substitutes.py) may take steps their own roles
        # do not give: the rule itself picks from every request still open to them.
        found = TransferRequest.objects.filter(pk__in=_taken_by(actor, found))
    else:
        found = found.filter(reduce(operator.or_, open_to_actor))
        if len({rules.STEP_ROLE[step] for step, _tiers, _after in _steps_by_role(actor)}) > 1:
            found = TransferRequest.objects.filter(pk__in=_taken_by(actor, found))
    return (
        found.select_related(
            "customer", "customer__branch", "customer__account_manager", "created_by"
        )
        .prefetch_related("approvals")
        .order_by("created_at", "pk")
    )


def _taken_by(actor: Staff, found: QuerySet[TransferRequest]) -> list[int]:
    """Of the requests found, those where approval_rules.step_for gives this person a step."""
    rows = list(
        found.annotate(route_tier=_approval_tier(actor.branch_pk)).values_list(
            "pk", "route_tier", "created_by_id", "customer__account_manager_id"
        )
    )
    signed: dict[int, list[tuple[str, int | None]]] = {pk: [] for pk, *_rest in rows}
    for request_id, step, approver_id, for_id in Approval.objects.filter(
        request__in=found.values("pk"), round=F("request__approval_round")
    ).values_list("request_id", "step", "approver_id", "on_behalf_of_id"):
        signed[request_id].append((step, approver_id))
        if for_id is not None:
            signed[request_id].append((step, for_id))
    staff = routing.BranchApprovers(actor.branch_pk)
    who = routing.approver_of(actor)
    taken = []
    for pk, tier, receiver_id, manager_id in rows:
        round_ = rules.Round(
            route=rules.ROUTES[Tier(tier)],
            done=frozenset(step for step, _who in signed[pk]),
            receiver_id=receiver_id,
            approved_by=frozenset(
                approver for _step, approver in signed[pk] if approver is not None
            ),
            account_manager_id=manager_id,
            staff=staff,
        )
        if rules.may_take_a_step(round_, who):
            taken.append(pk)
    return taken


def _steps_by_role(actor: Staff) -> list[tuple[ApprovalStep, list[Tier], list[ApprovalStep]]]:
    """The steps this person holds the role for, each with the tiers whose route has it and
    the steps that must be done before it opens there (read off rules.open_steps, so the
    order of signing keeps its one home in approval_rules)."""
    tiers_of: dict[tuple[ApprovalStep, tuple[ApprovalStep, ...]], list[Tier]] = {}
    for tier, route in rules.ROUTES.items():
        for step in route:
            if not rules.holds_role_of(step, actor):
                continue
            others = [s for s in route if s != step]
            after = tuple(
                prior
                for prior in others
                if step not in rules.open_steps(route, [s for s in others if s != prior])
            )
            tiers_of.setdefault((step, after), []).append(tier)
    return [(step, tiers, list(after)) for (step, after), tiers in tiers_of.items()]


def _approval_tier(branch_id: int) -> Case:
    """Customer.approval_tier in SQL (Art. 10, 17): institutions as core, else the tier set
    by hand, else the branch's thresholds today (accounts.norm: RuleSet.tier_for)."""
    rules = rule_set(branch_id)
    return Case(
        When(customer__kind=CustomerKind.INSTITUTION, then=Value(Tier.CORE)),
        When(~Q(customer__tier_override=""), then=F("customer__tier_override")),
        When(
            Q(customer__assets__gte=rules["tier.core_assets"])
            | Q(customer__annual_volume__gte=rules["tier.core_volume"]),
            then=Value(Tier.CORE),
        ),
        When(
            Q(customer__assets__gte=rules["tier.important_assets"])
            | Q(customer__annual_volume__gte=rules["tier.important_volume"]),
            then=Value(Tier.IMPORTANT),
        ),
        default=Value(Tier.ORDINARY),
        output_field=CharField(),
    )


def overdue_sign_offs(*, branch_id: int, today: dt.date) -> QuerySet[Approval]:
    """Art. 17: phone approvals whose written sign-off is past its due day."""
    return (
        Approval.objects.filter(
            request__branch_id=branch_id,
            mode=ApprovalMode.PHONE,
            signed_off_at__isnull=True,
            dispute__isnull=True,  # a disputed approval is never signed off
            sign_off_due_on__lt=today,
        )
        .select_related("request", "request__customer", "request__customer__branch", "approver")
        .order_by("sign_off_due_on")
    )


def pending_sign_offs_for(actor: Staff) -> QuerySet[Approval]:
    return (
        Approval.objects.filter(
            approver=actor, mode=ApprovalMode.PHONE, signed_off_at__isnull=True, dispute=None
        )
        .select_related("request", "request__customer", "request__customer__branch")
        .order_by("sign_off_due_on")
    )


def trading_days_left(
    req: TransferRequest, *, today: dt.date, calendar: TradingCalendar
) -> int | None:
    """Trading days until the request is late (0: due today; negative: late, by at least
    one even on a weekend right after the due day, so it agrees with late_requests).
    None when the clock does not run (ended or deferred) or the calendar does not know."""
    due_on = req.clock_due_on
    if req.state not in RUNNING_STATES or due_on is None:
        return None
    try:
        if today > due_on:
            return -max(1, calendar.trading_days_between(due_on, today))
        return calendar.trading_days_between(today, due_on)
    except CalendarUnknown:
        return None


def late_requests(*, branch_id: int, today: dt.date) -> QuerySet[TransferRequest]:
    """Requests running past the customer's two trading days: flagged to the general manager."""
    return (
        TransferRequest.objects.filter(branch_id=branch_id)
        .filter(
            Q(state__in=RUNNING_STATES - {TransferState.CLOSURE_PENDING}, due_on__lt=today)
            | Q(state=TransferState.CLOSURE_PENDING, closure_due_on__lt=today)
        )
        .select_related("customer", "customer__branch")
        .order_by("due_on")
    )


def closure_candidates_latest(*, branch_id: int) -> tuple[dt.date | None, list[ClosureCandidate]]:
    """The accounts the latest Art. 19 sweep found, minus any that have a request since."""
    latest = (
        ClosureCandidate.objects.filter(branch_id=branch_id)
        .order_by("-business_date")
        .values_list("business_date", flat=True)
        .first()
    )
    if latest is None:
        return None, []
    rows = (
        ClosureCandidate.objects.filter(branch_id=branch_id, business_date=latest)
        .select_related("customer", "customer__branch", "customer__account_manager")
        .exclude(customer_id__in=closure_excluded_customer_ids(branch_id=branch_id))
        .order_by("customer__fund_account")
    )
    return latest, list(rows)


def closure_excluded_customer_ids(*, branch_id: int) -> QuerySet[TransferRequest, Any]:
    """Art. 19 leaves out customers with a request still open (the counter is already on
    it, or they deferred) and those whose fund account is already closed."""
    return TransferRequest.objects.filter(
        Q(branch_id=branch_id)
        & (~Q(state__in=ENDED_STATES) | Q(state=TransferState.COMPLETED, wants_closure=True))
    ).values("customer_id")
