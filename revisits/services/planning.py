"""The planner: from the branch's rules and today's facts, the revisit tasks that should
exist. Idempotent — it creates only what is missing, and the unique constraints on
RevisitTask stop a second planner running at the same moment from creating it again."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import CharField, Count, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from accounts.models import Branch
from accounts.norm.resolve import with_rules_memo
from kernel.bulk import insert_skipping_conflicts
from kernel.calendar import CalendarUnknown, TradingCalendar
from retention.models import Commitment, CommitmentStatus
from transfers.models import LEFT_STATES, TransferAuditEntry, TransferRequest, TransferState

from ..models import (
    Channel,
    Reason,
    RevisitAction,
    RevisitTask,
    RevisitTaskAuditEntry,
    TaskStatus,
)
from ..selectors import latest_departed_customers
from ._common import (
    beijing_date,
    earliest_free,
    on_or_before,
    week_last_trading_day,
)
from .rules import RevisitRule, revisit_rules_for

# A departure older than this no longer gets its first-week revisit planned (a re-run for
# an old date still would): the monthly rule has taken over by then.
FIRST_REVISIT_LOOKBACK = dt.timedelta(days=31)

# Every reason a task of the planner can have: what it loads to know what exists.
PLANNED_REASONS = [
    Reason.LEFT_FIRST,
    Reason.LEFT_MONTHLY,
    Reason.INSTITUTION_VISIT,
    Reason.DEFERRED_TRIAL_END,
    Reason.DEFERRED_MONTHLY,
    Reason.COMMITMENT,
]


# A task the planner makes, as the values that differ from one to the next; every other
# column takes the model's default.
NewTask = tuple[int, str, str, dt.date, int | None, str]
NEW_TASK_FIELDS = ("customer_id", "reason", "source_ref", "due_on", "owner_id", "channel")


def insert_new_tasks(branch_id: int, rows: list[NewTask]) -> Counter[str]:
    """Write the planner's new tasks at once, skipping any a unique constraint refuses
    (`revisit_task_once`, `revisit_task_one_open`: a concurrent planner, or a revisit
    recorded meanwhile, made it first); returns how many of each reason the database really
    inserted: the reasons the INSERT returns, or (where it cannot, SQLite) the rows past
    the newest one before."""
    newest = None
    if connection.vendor != "postgresql":
        newest = RevisitTask.objects.aggregate(newest=Max("pk"))["newest"] or 0
    reasons = insert_skipping_conflicts(
        RevisitTask, NEW_TASK_FIELDS, rows, constants={"branch_id": branch_id}, returning="reason"
    )
    if reasons is not None:
        return Counter(reasons)
    return Counter(
        dict(
            RevisitTask.objects.filter(branch_id=branch_id, pk__gt=newest)
            .values("reason")
            .annotate(n=Count("pk"))
            .values_list("reason", "n")
        )
    )


def first_revisit_due(left_on: dt.date, *, rule: RevisitRule, calendar: TradingCalendar) -> dt.date:
    """Art. 31: in the week the customer leaves — by the last trading day of that week, or
    sooner if the branch asks for it within fewer trading days."""
    start = calendar.current_or_next_trading_day(left_on)
    return min(calendar.add_trading_days(start, rule.value), week_last_trading_day(start, calendar))


def _keep_latest(latest: dict[int, dt.date], key: int, day: dt.date) -> None:
    if key not in latest or day > latest[key]:
        latest[key] = day


class _Plan:
    """One run's tasks for one branch, worked out in memory and written at once.

    It holds the tasks (any status) of every customer the rules can concern today, so the
    checks that once cost a query or two per task — is one open already, is that due date
    taken by a finished one — are set lookups. The rows are written with one bulk
    INSERT that skips conflicts: the unique constraints `revisit_task_once` and
    `revisit_task_one_open` keep a concurrent planner (or a revisit recorded meanwhile) from
    making a second task, as get_or_create did one row at a time."""

    def __init__(self, branch: Branch, calendar: TradingCalendar) -> None:
        self.branch = branch
        self.calendar = calendar
        # Only the customers a rule can concern — who left, who defers, who holds an open
        # promise — so what is loaded follows the day's work, not the years of history.
        concerned = Q(
            customer_id__in=TransferRequest.objects.filter(
                branch=branch, state__in=[*LEFT_STATES, TransferState.DEFERRED]
            ).values("customer_id")
        ) | Q(
            customer_id__in=Commitment.objects.filter(
                branch=branch, status=CommitmentStatus.OPEN
            ).values("customer_id")
        )
        self.taken: set[tuple[int, str, str, dt.date]] = set()
        self.open: dict[tuple[int, str, str], tuple[int, dt.date]] = {}
        # The latest contact of any kind, and the latest visit in person (Art. 31, 32, 34).
        self.last_contact: dict[int, dt.date] = {}
        self.last_visit: dict[int, dt.date] = {}
        planned_reasons = frozenset(PLANNED_REASONS)
        # One pass over their tasks (of any reason) answers both.
        for pk, customer_id, reason, ref, due_on, status, done_on, channel in (
            RevisitTask.objects.filter(concerned, branch=branch)
            .order_by()
            .values_list(
                "pk",
                "customer_id",
                "reason",
                "source_ref",
                "due_on",
                "status",
                "done_on",
                "channel",
            )
        ):
            if reason in planned_reasons:
                self.taken.add((customer_id, reason, ref, due_on))
                if status == TaskStatus.OPEN:
                    self.open[(customer_id, reason, ref)] = (pk, due_on)
            if status == TaskStatus.DONE and done_on is not None:  # revisit_done_has_date
                _keep_latest(self.last_contact, customer_id, done_on)
                if channel == Channel.VISIT:
                    _keep_latest(self.last_visit, customer_id, done_on)
        self.new: list[NewTask] = []
        self.moved: list[RevisitTask] = []

    def is_open(self, customer_id: int, reason: str, source_ref: str = "") -> bool:
        return (customer_id, reason, source_ref) in self.open

    def add(
        self,
        *,
        customer_id: int,
        reason: str,
        due_on: dt.date,
        owner_id: int | None,
        channel: str,
        source_ref: str = "",
    ) -> None:
        """A task for this key and date, unless one exists (in any status)."""
        key = (customer_id, reason, source_ref, due_on)
        if key in self.taken:
            return
        self.taken.add(key)
        self.new.append((customer_id, reason, source_ref, due_on, owner_id, channel))

    def free_due_date(
        self, customer_id: int, reason: str, source_ref: str, due: dt.date
    ) -> dt.date:
        """`_common.free_due_date` on what is loaded."""
        return earliest_free(
            due, lambda day: (customer_id, reason, source_ref, day) in self.taken, self.calendar
        )

    def cadence(
        self,
        counts: Counter[str],
        *,
        customer_id: int,
        reason: str,
        anchor: dt.date,
        rule: RevisitRule,
        owner_id: int | None,
        source_ref: str = "",
    ) -> None:
        """The next contact of an "at least every N days" rule, counted from `anchor`."""
        try:
            due = on_or_before(anchor + dt.timedelta(days=rule.value), self.calendar)
            due = self.free_due_date(customer_id, reason, source_ref, due)
        except CalendarUnknown:
            # A due date must not rest on a guessed holiday: planned once the year's
            # holidays are entered (the run's counts say how many wait).
            counts["waiting_for_calendar"] += 1
            return
        channel = Channel.VISIT if reason == Reason.INSTITUTION_VISIT else rule.channel
        self.add(
            customer_id=customer_id,
            reason=reason,
            due_on=due,
            owner_id=owner_id,
            channel=channel,
            source_ref=source_ref,
        )

    def move(self, pk: int, due_on: dt.date) -> None:
        self.moved.append(RevisitTask(pk=pk, due_on=due_on))

    def write(self, counts: Counter[str]) -> None:
        """Insert what is new and count what the database really inserted (a row a
        concurrent planner made first was skipped, so it is not counted here)."""
        for reason, n in insert_new_tasks(self.branch.pk, self.new).items():
            counts[f"planned.{reason}"] += n
        if self.moved:
            RevisitTask.objects.bulk_update(self.moved, ["due_on"], batch_size=1000)
            counts["moved.deferred_trial_end"] += len(self.moved)


def _plan_departed(
    plan: _Plan,
    business_date: dt.date,
    rules: dict[str, RevisitRule],
    counts: Counter[str],
) -> None:
    """Art. 31, 32: institution, core and important customers who transferred out."""
    calendar = plan.calendar
    recent_since = business_date - FIRST_REVISIT_LOOKBACK
    first_rule = rules[Reason.LEFT_FIRST]
    monthly = rules[Reason.LEFT_MONTHLY]
    yearly = rules[Reason.INSTITUTION_VISIT]
    for departure in latest_departed_customers(branch=plan.branch, up_to=business_date):
        customer_id, owner_id = departure.customer_id, departure.account_manager_id
        if not departure.priority:
            continue
        try:
            first_due = first_revisit_due(departure.left_on, rule=first_rule, calendar=calendar)
        except CalendarUnknown:
            counts["waiting_for_calendar"] += 1
            continue
        # A customer's latest departure is recent exactly when they left within the window.
        if departure.left_on >= recent_since and not plan.is_open(customer_id, Reason.LEFT_FIRST):
            plan.add(
                customer_id=customer_id,
                reason=Reason.LEFT_FIRST,
                due_on=first_due,
                owner_id=owner_id,
                channel=first_rule.channel,
            )
        if not plan.is_open(customer_id, Reason.LEFT_MONTHLY):
            # Art. 31: at least monthly, counted from the latest contact of any kind.
            anchor = max(first_due, plan.last_contact.get(customer_id, first_due))
            plan.cadence(
                counts,
                customer_id=customer_id,
                reason=Reason.LEFT_MONTHLY,
                anchor=anchor,
                rule=monthly,
                owner_id=owner_id,
            )
        if departure.is_institution and not plan.is_open(customer_id, Reason.INSTITUTION_VISIT):
            # Art. 32: a visit in person within a year, counted from the latest visit.
            anchor = max(departure.left_on, plan.last_visit.get(customer_id, departure.left_on))
            plan.cadence(
                counts,
                customer_id=customer_id,
                reason=Reason.INSTITUTION_VISIT,
                anchor=anchor,
                rule=yearly,
                owner_id=owner_id,
            )


def _cancel(tasks: QuerySet[RevisitTask], note: str, counts: Counter[str], key: str) -> None:
    """Open tasks no longer needed are cancelled, each with its audit row (by nobody, the
    note as comment).

    The bulk equivalent of kernel.workflow.transition_take per task, on purpose: the planner
    keeps a handful of statements per branch whatever its size, and one run can cancel
    thousands (the first run after many decisions or promises were closed at once). So the
    rows are locked in one SELECT, in pk order; each takes its own `cancel` transition, so
    the FSM table still refuses anything but open → cancelled; then one bulk UPDATE and one
    bulk INSERT of the audit rows, in the planner's transaction. A revisit being recorded
    meanwhile holds its row until it commits, and is then no longer open, so it is skipped."""
    locked = list(tasks.select_for_update(of=("self",), no_key=True).order_by("pk"))
    if not locked:
        return
    note = note[:300]
    entries = []
    for task in locked:
        before = task.status
        task.cancel()  # the planner's own transition (permission: nobody else's)
        task.note = note
        entries.append(
            RevisitTaskAuditEntry(
                task=task,
                actor=None,
                action=RevisitAction.CANCELLED,
                from_state=before,
                to_state=task.status,
                comment=note,
            )
        )
    RevisitTask.objects.bulk_update(locked, ["status", "note"], batch_size=1000)
    RevisitTaskAuditEntry.objects.bulk_create(entries, batch_size=1000)
    counts[key] += len(locked)


def _plan_deferred(
    plan: _Plan,
    business_date: dt.date,
    rules: dict[str, RevisitRule],
    counts: Counter[str],
) -> None:
    """Art. 34: a customer who deferred is contacted when the trial period ends, and at
    least monthly until they decide."""
    branch = plan.branch
    # When each was (last) deferred, from its audit trail.
    deferred_at = (
        TransferAuditEntry.objects.filter(request=OuterRef("pk"), to_state="deferred")
        .order_by("-at")
        .values("at")[:1]
    )
    deferred = (
        TransferRequest.objects.filter(branch=branch, state=TransferState.DEFERRED)
        .annotate(deferred_at=Subquery(deferred_at))
        .order_by("pk")
        .values_list(
            "pk", "follow_up_on", "customer_id", "customer__account_manager_id", "deferred_at"
        )
    )
    trial_rule = rules[Reason.DEFERRED_TRIAL_END]
    monthly = rules[Reason.DEFERRED_MONTHLY]
    for request_id, follow_up_on, customer_id, owner_id, deferred_at in deferred:
        ref = f"request:{request_id}"
        if follow_up_on is not None:
            try:
                due = plan.calendar.trading_days_before(follow_up_on, trial_rule.value)
            except CalendarUnknown:
                # Planned once the year's holidays are entered; the run's counts say so.
                counts["waiting_for_calendar"] += 1
            else:
                existing = plan.open.get((customer_id, Reason.DEFERRED_TRIAL_END, ref))
                if existing is None:
                    plan.add(
                        customer_id=customer_id,
                        reason=Reason.DEFERRED_TRIAL_END,
                        due_on=due,
                        owner_id=owner_id,
                        channel=trial_rule.channel,
                        source_ref=ref,
                    )
                elif existing[1] != due and (
                    (customer_id, Reason.DEFERRED_TRIAL_END, ref, due) not in plan.taken
                ):
                    # Deferred again with a new end of trial: the contact moves with it.
                    plan.move(existing[0], due)
        if not plan.is_open(customer_id, Reason.DEFERRED_MONTHLY, ref):
            since = beijing_date(deferred_at) if deferred_at else business_date
            anchor = max(since, plan.last_contact.get(customer_id, since))
            plan.cadence(
                counts,
                customer_id=customer_id,
                reason=Reason.DEFERRED_MONTHLY,
                anchor=anchor,
                rule=monthly,
                owner_id=owner_id,
                source_ref=ref,
            )
    _cancel(
        RevisitTask.objects.filter(
            branch=branch,
            status=TaskStatus.OPEN,
            reason__in=[Reason.DEFERRED_TRIAL_END, Reason.DEFERRED_MONTHLY],
        ).exclude(
            # Asked of the database: a list of every deferral's reference would be as many
            # parameters to send and parse.
            source_ref__in=TransferRequest.objects.filter(
                branch=branch, state=TransferState.DEFERRED
            ).values(ref=Concat(Value("request:"), Cast("pk", output_field=CharField())))
        ),
        _("The customer has decided; the deferral is over."),
        counts,
        "cancelled.decided",
    )


def _plan_commitments(
    plan: _Plan,
    business_date: dt.date,
    rules: dict[str, RevisitRule],
    counts: Counter[str],
) -> None:
    """Art. 29, 34: a contact before each open promise falls due."""
    branch = plan.branch
    rule = rules[Reason.COMMITMENT]
    planned = {ref for _c, reason, ref, _d in plan.taken if reason == Reason.COMMITMENT}
    commitments = Commitment.objects.filter(
        branch=branch, status=CommitmentStatus.OPEN, due_on__gte=business_date
    ).order_by("due_on", "pk")
    for pk, customer_id, owner_id, due_on in commitments.values_list(
        "pk", "customer_id", "owner_id", "due_on"
    ):
        ref = f"commitment:{pk}"
        if ref in planned:
            continue
        try:
            lead = plan.calendar.trading_days_before(due_on, rule.value)
        except CalendarUnknown:
            counts["waiting_for_calendar"] += 1
            continue
        plan.add(
            customer_id=customer_id,
            reason=Reason.COMMITMENT,
            # Promised at short notice: the contact is due at once, not in the past.
            due_on=max(lead, business_date),
            owner_id=owner_id,
            channel=rule.channel,
            source_ref=ref,
        )
    _cancel(
        RevisitTask.objects.filter(
            branch=branch, status=TaskStatus.OPEN, reason=Reason.COMMITMENT
        ).exclude(
            source_ref__in=[
                f"commitment:{pk}"
                for pk in Commitment.objects.filter(
                    branch=branch, status=CommitmentStatus.OPEN
                ).values_list("pk", flat=True)
            ]
        ),
        _("The promise was kept or withdrawn."),
        counts,
        "cancelled.commitment_closed",
    )


@transaction.atomic
@with_rules_memo
def revisits_plan(
    *,
    branch: Branch,
    business_date: dt.date,
    calendar: TradingCalendar,
    progress: Callable[[int, int | None], None] | None = None,
) -> Counter[str]:
    """Make the revisit tasks the rules call for on `business_date`; returns what it did.

    A handful of queries per branch whatever its size: the facts are read set by set, the
    due dates worked out in memory, the new tasks written in one bulk insert."""
    # Two planners of one branch (two beats, or beat and a re-run) queue on its row: the
    # second sees what the first wrote and plans nothing twice, nor counts it twice.
    Branch.objects.select_for_update().filter(pk=branch.pk).first()
    rules = revisit_rules_for(branch=branch)
    counts: Counter[str] = Counter()
    plan = _Plan(branch, calendar)
    steps = [_plan_departed, _plan_deferred, _plan_commitments]
    total = len(steps) + 1
    for done, step in enumerate(steps, start=1):
        step(plan, business_date, rules, counts)
        if progress:
            progress(done, total)
    plan.write(counts)
    if progress:
        progress(total, total)
    return counts
