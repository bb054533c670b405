"""The operators' alerts (JR/T 0099: a failure of the service is noticed and answered, not
found the next morning): a job whose latest run failed or was abandoned, a scheduled job with
no run by its expected time, a backup that failed or grew too old, a calendar about to end.

Each incident is mailed to OPERATOR_EMAILS once (operations.OperatorAlert) and put in front
of the general manager who answers for it once (jobs.registry.notify_once, under the
incident's own date, so a later day does not repeat it): the branch's for a branch's run,
every branch's for a job of the whole installation. The calendar's end already reaches the
general managers and calendar keepers through the calendar watch job (jobs/jobs.py): here
the operators are only mailed."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Staff
from accounts.roles import Role
from jobs.models import JobOutcome, JobRun
from jobs.registry import (
    job_branches,
    job_scheduled_today,
    job_spec_or_none,
    notify_once,
    schedule_due,
)
from kernel.calendar import BEIJING, CalendarUnknown, TradingCalendar, calendar_outlook

from .checks import BACKUP_JOBS, backup_age_problem, latest_backup
from .models import OperatorAlert

logger = logging.getLogger(__name__)

# A failure older than this was alerted when it happened (the watch runs every 15 minutes);
# looking further back would only read more rows.
LOOKBACK = dt.timedelta(days=2)
_FAILED = (JobOutcome.FAILED, JobOutcome.ABANDONED)


@dataclass(frozen=True)
class Incident:
    kind: str
    ref: str
    # The incident's own date: the notice ledger's business date, so it is told once.
    day: dt.date
    # None: a job of the whole installation, every general manager answers for it.
    branch_id: int | None
    subject: str
    body: str
    link: str = ""


def _failed_runs(now: dt.datetime) -> list[Incident]:
    latest: dict[tuple[str, int | None], JobRun] = {}
    for run in JobRun.objects.filter(queued_at__gte=now - LOOKBACK).order_by("-queued_at", "-pk"):
        latest.setdefault((run.name, run.branch_id), run)
    incidents = []
    for run in latest.values():
        if run.outcome not in _FAILED:
            continue
        spec = job_spec_or_none(run.name)
        title = spec.shown_title if spec else run.name
        backup = run.name in BACKUP_JOBS
        subject = (
            _("The backup “{job}” for {date} failed")
            if backup
            else _("The job “{job}” for {date} did not finish")
        ).format(job=title, date=run.business_date.isoformat())
        body = _(
            "Its latest run ended “{outcome}”: {message} Read the run on the jobs page, put "
            "right what it names, and run it again."
        ).format(outcome=JobOutcome(run.outcome).label, message=run.message or "-")
        incidents.append(
            Incident(
                kind="backup_failed" if backup else "job_failed",
                ref=str(run.pk),
                day=run.business_date,
                branch_id=run.branch_id,
                subject=subject,
                body=body,
                link=reverse("job_run_detail", args=[run.pk]),
            )
        )
    return incidents


def _missed_runs(now: dt.datetime) -> list[Incident]:
    """A schedule entry's expected time is its firing time plus JOB_GRACE_MINUTES: by then
    the scheduler has recorded a run (even a skipped one) unless it or its workers are down."""
    grace = dt.timedelta(minutes=settings.JOB_GRACE_MINUTES)
    calendar = TradingCalendar()
    incidents: dict[str, Incident] = {}
    for name, fired in schedule_due(now=now - grace):
        spec = job_spec_or_none(name)
        if spec is None:
            continue
        day = fired.date()
        try:
            if not job_scheduled_today(spec, day=day, calendar=calendar):
                continue
            # A trading-day job's run on a closed day would only record a skip: not missed.
            if spec.trading_days_only and not calendar.is_trading_day(day):
                continue
        except CalendarUnknown:
            pass  # the run, had there been one, would have recorded the calendar's message
        for branch in job_branches(spec):
            branch_id = branch.pk if branch else None
            if JobRun.objects.filter(
                name=name, business_date=day, branch=branch, queued_at__gte=fired
            ).exists():
                continue
            expected = (fired + grace).astimezone(BEIJING).strftime("%H:%M")
            # One incident per job, branch and day, however often its schedule fires.
            ref = f"{name}:{branch_id or '-'}"
            incidents[ref] = Incident(
                kind="job_missed",
                ref=ref,
                day=day,
                branch_id=branch_id,
                subject=_("The job “{job}” has not run on {date}").format(
                    job=spec.shown_title, date=day.isoformat()
                ),
                body=_(
                    "It was expected by {time} (Beijing time) and no run is recorded. Check that "
                    "the scheduler and its workers are running, then run it from the jobs page."
                ).format(time=expected),
                link=reverse("job_list"),
            )
    return list(incidents.values())


def _backups(now: dt.datetime) -> list[Incident]:
    incidents = []
    for name in BACKUP_JOBS:
        problem = backup_age_problem(name, now=now)
        last_run = JobRun.objects.filter(name=name).order_by("-queued_at", "-pk").first()
        if problem is None or (last_run and last_run.outcome in _FAILED):
            continue  # a failed latest run is its own incident (_failed_runs)
        latest = latest_backup(name)
        incidents.append(
            Incident(
                kind="backup_stale",
                # Once per last good backup: a newer one ends the incident.
                ref=f"{name}:{latest.pk if latest else 0}",
                day=now.astimezone(BEIJING).date(),
                branch_id=None,
                subject=_("The backup “{job}” is out of date").format(job=name),
                body=_("{problem} Check the backup job and its storage.").format(problem=problem),
                link=reverse("job_list"),
            )
        )
    return incidents


def incidents_now(*, now: dt.datetime) -> list[Incident]:
    return [*_failed_runs(now), *_missed_runs(now), *_backups(now)]


def _general_managers(branch_id: int | None) -> list[Staff]:
    managers = Staff.objects.filter(is_active=True, groups__name=Role.GENERAL_MANAGER)
    if branch_id is not None:
        managers = managers.filter(branch_id=branch_id)
    return list(managers.distinct().order_by("pk"))


def operators_mail(*, kind: str, ref: str, subject: str, body: str) -> int:
    """Mail OPERATOR_EMAILS about one incident, once: 1 if mailed now. A mail server that
    refuses leaves no ledger row, so the next watch tries again."""
    addresses = list(settings.OPERATOR_EMAILS)
    if not addresses:
        return 0
    try:
        with transaction.atomic():
            _alert, created = OperatorAlert.objects.get_or_create(kind=kind, ref=ref)
            if not created:
                return 0
            send_mail(subject, body, None, addresses)
    except Exception:
        logger.exception("could not mail the operators about %s %s", kind, ref)
        return 0
    return 1


def alerts_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"incidents": 0, "told": 0, "mailed": 0}
    for incident in incidents_now(now=now):
        counts["incidents"] += 1
        counts["told"] += notify_once(
            kind=incident.kind,
            ref=incident.ref[:60],
            recipients=_general_managers(incident.branch_id),
            business_date=incident.day,
            subject=incident.subject,
            body=incident.body,
            link=incident.link,
        )
        text = f"{incident.body}\n\n{incident.link}" if incident.link else incident.body
        counts["mailed"] += operators_mail(
            kind=incident.kind, ref=incident.ref, subject=incident.subject, body=text
        )
    outlook = calendar_outlook(today=now.astimezone(BEIJING).date())
    if outlook.warns:
        counts["incidents"] += 1
        counts["mailed"] += operators_mail(
            kind="calendar_ending",
            ref=str(outlook.next_year),
            subject=_("The trading calendar ends on {last}: enter {year}'s holidays").format(
                last=outlook.last_confirmed_day.isoformat(), year=outlook.next_year
            ),
            body=_(
                "After {last} no deadline can be computed and the counter refuses new "
                "requests. The calendar keeper enters the exchanges' announcement on the "
                "calendar page; the general managers have been told."
            ).format(last=outlook.last_confirmed_day.isoformat()),
        )
    return counts
