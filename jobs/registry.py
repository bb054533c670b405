"""Scheduled jobs: named pieces of the branch's daily work, each run for one business date
(and, for most, one branch) and recorded as a JobRun whatever happens.

    @job(
        "revisits.plan",
        title=_("Plan revisits"),
        description=_("Plan the revisits the rules call for (Art. 31–34)"),
        figures={"planned": PerChoice(_("Planned"), Reason), "waiting_for_calendar": _("…")},
    )
    def plan(ctx: JobContext) -> dict[str, int]:
        ...  # ctx.business_date, ctx.branch, ctx.calendar, ctx.progress(done, total)

- The stable name is what runs are stored and scheduled under; people read the title, and
  each of the counts a job returns under the label its `figures` give it (a key
  `planned.left_first` under the PerChoice declared for `planned`). A key without a label
  is shown as it is.

- job_run() runs one job now, in this process, and returns its JobRun. The job's work is one
  transaction: a failure is recorded on the run and the partial work rolled back.
- job_run_all() runs it for every branch; job_enqueue() queues it for a Celery worker on
  commit (in-process when there is no Redis, the embedded default).
- A job must be idempotent: running it twice, or two schedulers at once, gives the same
  result. Guard what a race could duplicate with unique constraints keyed on the business
  date, and tell people things with notify_once().

Each app declares its jobs in `<app>/jobs.py`; they are found on first use. The schedule is
CELERY_BEAT_SCHEDULE in the settings (Beijing time); `manage.py run_job NAME --date D`
re-runs any job for any date, and `manage.py run_scheduler` runs the schedule without Redis.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Choices, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from accounts.norm.resolve import with_rules_memo
from jobs.models import DailyNotice, JobOutcome, JobRun, JobTrigger
from kernel.calendar import TradingCalendar
from kernel.errors import ApplicationError, Forbidden, InvalidInput
from kernel.transactions import atomic_undoable
from notifications.services import notify

from .errors import JobErrorCode

if TYPE_CHECKING:
    from accounts.models import Branch, Staff

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]


def _no_progress(done: int, total: int | None) -> None:
    pass


class JobSkipped(Exception):
    """Raised by a job that has nothing to do for this date; the run is recorded as skipped
    with the message and whatever it did is rolled back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


@dataclass
class JobContext:
    name: str
    business_date: dt.date
    branch: Branch | None
    calendar: TradingCalendar
    trigger: str
    progress: Progress = _no_progress
    counts: Counter[str] = field(default_factory=Counter)
    # The JobRun recording this run, for records that name the run that made them.
    run_id: int | None = None

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


JobFunction = Callable[[JobContext], Mapping[str, int] | None]


@dataclass(frozen=True)
class PerChoice:
    """The counts `<prefix>.<value>` a job keeps per value of a TextChoices (revisits
    planned per reason, customers flagged per rule): each read "<label> (<value's label>)",
    so a new choice is labelled the day it is added."""

    label: Any  # a lazy translation
    choices: type[Choices]


@dataclass(frozen=True)
class YearMonth:
    """A figure that is a month written YYYYMM (the month a report is about), shown as
    YYYY-MM rather than grouped like a count."""

    label: Any  # a lazy translation


Figure = Any  # a lazy translation, a PerChoice or a YearMonth


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: JobFunction
    description: Any  # a lazy translation: shown in the reader's language
    # Jobs about the exchanges' days record a skipped run on a closed day.
    trading_days_only: bool
    # Most jobs run once per branch; a few (a heartbeat) for the whole installation.
    per_branch: bool
    # The days the schedule should run it (e.g. the first trading day of a month); by hand
    # it runs for any date.
    scheduled_on: Callable[[dt.date, TradingCalendar], bool] | None
    # A business date in a year the trading calendar does not know fails the run: every
    # deadline a job computes rests on it (only a job about no date at all opts out).
    needs_calendar: bool = True
    # What people read: a short title beside the stable name, and a label for each count.
    title: Any = ""
    figures: Mapping[str, Figure] = field(default_factory=dict)

    @property
    def shown_title(self) -> str:
        return str(self.title) or self.name

    def figure_label(self, key: str) -> str | None:
        """The label of one count, None for a key the job does not declare."""
        return _figure(self.figures, key)[1]

    def figures_shown(self, counts: Mapping[str, int]) -> list[tuple[str, str]]:
        return figures_shown(self.figures, counts)


def _figure(figures: Mapping[str, Figure], key: str) -> tuple[int, str | None]:
    """A count's place among the declared figures and its label (None: undeclared)."""
    order = list(figures)
    figure = figures.get(key)
    if figure is not None and not isinstance(figure, PerChoice):
        return order.index(key), str(figure.label if isinstance(figure, YearMonth) else figure)
    prefix, dot, value = key.partition(".")
    group = figures.get(prefix)
    if dot and isinstance(group, PerChoice) and value in group.choices.values:
        label = _("{figure} ({kind})").format(figure=group.label, kind=group.choices(value).label)
        return order.index(prefix), label
    return len(order), None


def figures_shown(
    figures: Mapping[str, Figure], counts: Mapping[str, int]
) -> list[tuple[str, str]]:
    """A run's counts as people read them: (label, value with thousands separators), in the
    order the job declares them; an undeclared key is shown as it is, after them."""
    shown = []
    for key in sorted(counts, key=lambda k: (_figure(figures, k)[0], k)):
        value, label = counts[key], _figure(figures, key)[1]
        if isinstance(figures.get(key), YearMonth):
            text = f"{value // 100}-{value % 100:02}"
        else:
            # What the templates' floatformat:"0g" does: the reader's locale, always grouped.
            text = number_format(value, 0, force_grouping=True)
        shown.append((label or key, text))
    return shown


_REGISTRY: dict[str, JobSpec] = {}
_discovered = False


def job(
    name: str,
    *,
    description: Any = "",
    trading_days_only: bool = True,
    per_branch: bool = True,
    scheduled_on: Callable[[dt.date, TradingCalendar], bool] | None = None,
    needs_calendar: bool = True,
    title: Any = "",
    figures: Mapping[str, Figure] | None = None,
) -> Callable[[JobFunction], JobFunction]:
    """Register a job under a stable name (the name is stored on every run)."""

    def register(func: JobFunction) -> JobFunction:
        known = _REGISTRY.get(name)
        if known is not None and known.func.__qualname__ != func.__qualname__:
            raise ValueError(f"job {name!r} is already registered by {known.func.__module__}")
        _REGISTRY[name] = JobSpec(
            name=name,
            func=func,
            description=description or (func.__doc__ or "").strip().split("\n")[0],
            trading_days_only=trading_days_only,
            per_branch=per_branch,
            scheduled_on=scheduled_on,
            needs_calendar=needs_calendar,
            title=title,
            figures=dict(figures or {}),
        )
        return func

    return register


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True


def job_specs() -> list[JobSpec]:
    _discover()
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def job_spec_or_none(name: str) -> JobSpec | None:
    """The spec a stored run was made by, if a job of that name is still registered."""
    _discover()
    return _REGISTRY.get(name)


def job_names() -> list[str]:
    return [spec.name for spec in job_specs()]


def job_get(name: str) -> JobSpec:
    _discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InvalidInput(
            _("There is no job called “{name}”.").format(name=name),
            code=JobErrorCode.UNKNOWN_JOB,
            details={"known": sorted(_REGISTRY)},
        ) from None


def job_time_limit() -> dt.timedelta:
    """The hard time limit of a job's task: past it, no run can still be alive."""
    return dt.timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 3600)


def _abandon(runs: QuerySet[JobRun]) -> int:
    return int(
        runs.filter(outcome=JobOutcome.RUNNING).update(
            outcome=JobOutcome.ABANDONED,
            finished_at=timezone.now(),
            message=_("Abandoned: the process running it stopped before it finished."),
        )
    )


def job_runs_abandon_expired(*, now: dt.datetime | None = None) -> int:
    """A worker killed mid-run leaves its run "running" for ever; once the hard time limit
    has passed it cannot still be running, so say so on the record, whatever the job."""
    now = now or timezone.now()
    return _abandon(JobRun.objects.filter(started_at__lt=now - job_time_limit()))


def _abandon_dead_attempts(run: JobRun) -> None:
    """The same task delivered again (the broker gives a message back only once the worker
    holding it is gone) finds its earlier attempt's run still "running": that attempt is dead,
    its transaction rolled back with it."""
    if run.task_id:
        _abandon(
            JobRun.objects.filter(
                name=run.name,
                branch=run.branch,
                business_date=run.business_date,
                task_id=run.task_id,
            ).exclude(pk=run.pk)
        )
    job_runs_abandon_expired()


# A run resolves each branch's rules once, however many customers it walks (accounts/norm).
@with_rules_memo
def job_run(
    *,
    name: str,
    business_date: dt.date,
    trigger: str,
    branch: Branch | None = None,
    actor: Staff | None = None,
    progress: Progress | None = None,
    run: JobRun | None = None,
    task_id: str = "",
) -> JobRun:
    """Run one job now, in this process, and return its finished record. Never raises for
    the job's own failure: that is what the record is for. `task_id` names the Celery task
    running it, so that a redelivery of the same task can tell its dead attempt."""
    spec = job_get(name)
    if spec.per_branch and branch is None:
        raise InvalidInput(
            _("The job “{name}” runs for one branch at a time: name the branch.").format(name=name),
            code=JobErrorCode.BRANCH_NEEDED,
        )
    if run is None:
        run = JobRun.objects.create(
            name=name,
            business_date=business_date,
            branch=branch if spec.per_branch else None,
            trigger=trigger,
            triggered_by=actor,
            task_id=task_id,
        )
    _abandon_dead_attempts(run)
    run.outcome = JobOutcome.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["outcome", "started_at"])

    ctx = JobContext(
        name=name,
        business_date=business_date,
        branch=branch if spec.per_branch else None,
        calendar=TradingCalendar(),
        trigger=trigger,
        progress=progress or _no_progress,
        run_id=run.pk,
    )
    try:
        trading_day = ctx.calendar.is_trading_day(business_date) if spec.needs_calendar else True
        if spec.trading_days_only and not trading_day:
            raise JobSkipped(
                _("{date} is not a trading day.").format(date=business_date.isoformat())
            )
        # A file a job stored for rows it then rolled back goes with them.
        with atomic_undoable():
            result = spec.func(ctx)
        counts = {**ctx.counts, **(result or {})}
        run.outcome, run.message = JobOutcome.SUCCEEDED, ""
    except JobSkipped as skipped:
        counts, run.outcome, run.message = {}, JobOutcome.SKIPPED, skipped.message
    except ApplicationError as error:
        # Includes CalendarUnknown: a date the calendar does not know fails with its reason
        # and the schedule simply tries again the next day.
        counts, run.outcome, run.message = {}, JobOutcome.FAILED, error.message
    except Exception as error:
        logger.exception("job %s for %s failed", name, business_date)
        counts, run.outcome = {}, JobOutcome.FAILED
        run.message = f"{type(error).__name__}: {error}"
    run.counts = {key: int(value) for key, value in counts.items()}
    run.finished_at = timezone.now()
    run.save(update_fields=["outcome", "message", "counts", "finished_at"])
    return run


def job_branches(spec: JobSpec) -> list[Branch | None]:
    from accounts.models import Branch

    if not spec.per_branch:
        return [None]
    return list(Branch.objects.order_by("code"))


def job_run_all(
    *,
    name: str,
    business_date: dt.date,
    trigger: str,
    actor: Staff | None = None,
    progress_for: Callable[[Branch | None], Progress] | None = None,
) -> list[JobRun]:
    """Run a job for every branch, one run (and one transaction) each: one branch's failure
    does not undo another's work."""
    spec = job_get(name)
    return [
        job_run(
            name=name,
            business_date=business_date,
            trigger=trigger,
            branch=branch,
            actor=actor,
            progress=progress_for(branch) if progress_for else None,
        )
        for branch in job_branches(spec)
    ]


def job_scheduled_today(spec: JobSpec, *, day: dt.date, calendar: TradingCalendar) -> bool:
    """Whether the schedule should run this job on `day` (a job with its own day rule, such
    as the monthly report, is left out on the other days; CalendarUnknown propagates so the
    run records it)."""
    return spec.scheduled_on is None or spec.scheduled_on(day, calendar)


def job_enqueue(
    *, name: str, business_date: dt.date, actor: Staff, branch: Branch | None = None
) -> JobRun:
    """The general manager's "run now": record a queued run and hand it to a worker once the
    transaction commits (in-process, at once, without Redis)."""
    from .permissions import may_run_jobs

    if not may_run_jobs(actor):
        raise Forbidden(_("Only the general manager runs jobs by hand."))
    spec = job_get(name)
    if spec.per_branch:
        branch = actor.branch
    run = JobRun.objects.create(
        name=name,
        business_date=business_date,
        branch=branch if spec.per_branch else None,
        trigger=JobTrigger.PAGE,
        triggered_by=actor,
        task_id=str(uuid.uuid4()),
    )

    def send() -> None:
        from jobs.tasks import run_job

        run_job.apply_async(
            kwargs={
                "name": name,
                "business_date": business_date.isoformat(),
                "branch_id": run.branch_id,
                "run_id": run.pk,
            },
            task_id=run.task_id,
        )

    transaction.on_commit(send)
    return run


def _send_email(subject: str, body: str, address: str) -> None:
    try:
        send_mail(subject, body, None, [address])
    except Exception:
        # The in-app notice is already there; a mail server hiccup must not undo it.
        logger.exception("could not e-mail %s", address)


def notify_once(
    *,
    kind: str,
    recipients: Iterable[Staff],
    business_date: dt.date,
    subject: str,
    body: str = "",
    link: str = "",
    ref: str = "",
    email: bool = False,
) -> int:
    """Put something in front of each recipient at most once per (kind, ref, business date),
    in the in-app inbox and, with email=True, by e-mail after the commit. Returns how many
    were told now (0 on a re-run)."""
    told = 0
    for recipient in {r.pk: r for r in recipients}.values():
        _notice, created = DailyNotice.objects.get_or_create(
            kind=kind, ref=ref, recipient=recipient, business_date=business_date
        )
        if not created:
            continue
        notify(recipients=[recipient], subject=subject, body=body, link=link)
        if email and recipient.email:
            text = f"{body}\n\n{link}".strip() if link else body
            transaction.on_commit(partial(_send_email, subject, text, recipient.email))
        told += 1
    return told


def run_summary(run: JobRun) -> dict[str, Any]:
    """What a Celery task returns: JSON only."""
    return {
        "run": run.pk,
        "name": run.name,
        "business_date": run.business_date.isoformat(),
        "branch": run.branch_id,
        "outcome": run.outcome,
        "counts": run.counts,
        "message": run.message,
    }


def schedule_due(*, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """The schedule's entries (CELERY_BEAT_SCHEDULE, Beijing time) that have fired today by
    `now`, each with its latest firing time: what an in-process scheduler must have run."""
    from kernel.calendar import BEIJING

    local = now.astimezone(BEIJING)
    today = local.date()
    due: list[tuple[str, dt.datetime]] = []
    for entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).values():
        cron = entry["schedule"]
        if (
            today.month not in cron.month_of_year
            or today.day not in cron.day_of_month
            or today.isoweekday() % 7 not in cron.day_of_week  # crontab counts Sunday as 0
        ):
            continue
        fired = [
            dt.datetime.combine(today, dt.time(hour, minute), tzinfo=BEIJING)
            for hour in cron.hour
            for minute in cron.minute
        ]
        past = [moment for moment in fired if moment <= local]
        if past:
            due.append((entry["args"][0], max(past)))
    return due


def schedule_run_due(*, now: dt.datetime) -> list[JobRun]:
    """One pass of the in-process scheduler (`manage.py run_scheduler`): run each job whose
    time has come today and has no scheduled run since. The JobRun table is its memory, so
    a scheduler started late catches up on today's jobs, and a restart repeats nothing."""
    from kernel.calendar import CalendarUnknown

    runs: list[JobRun] = []
    for name, fired in schedule_due(now=now):
        try:
            spec = job_get(name)
        except ApplicationError:
            logger.warning("the schedule names %s, which no app registers", name)
            continue
        today = fired.date()
        if JobRun.objects.filter(
            name=name, business_date=today, trigger=JobTrigger.SCHEDULE, queued_at__gte=fired
        ).exists():
            continue
        try:
            if not job_scheduled_today(spec, day=today, calendar=TradingCalendar()):
                continue
        except CalendarUnknown:
            pass  # the run records the calendar's message
        runs += job_run_all(name=name, business_date=today, trigger=JobTrigger.SCHEDULE)
    return runs
