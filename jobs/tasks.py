"""Celery tasks for the scheduled jobs. Thin: a job name and an ISO date in, JSON out; the
work and its record are jobs.registry.job_run's. acks_late with reject_on_worker_lost
re-delivers a run whose worker died, which is safe because every job is idempotent; a worker
killed outright gets its message back from Redis after the visibility timeout (settings), and
the new attempt marks the dead one's run abandoned before it starts."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task
from django.conf import settings

from jobs.models import JobOutcome, JobRun, JobTrigger
from jobs.registry import (
    Progress,
    job_branches,
    job_get,
    job_run,
    job_scheduled_today,
    run_summary,
)
from kernel.calendar import CalendarUnknown, TradingCalendar, beijing_today

logger = logging.getLogger(__name__)

TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
}


def _progress_to_backend(task: Any) -> Progress | None:
    """A worker reports progress through the result backend (the run's own row is inside the
    job's transaction and invisible until it ends); in-process there is nobody to tell."""
    if task.request.is_eager or not task.request.id:
        return None

    def report(done: int, total: int | None) -> None:
        task.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return report


@shared_task(name="branch_ops.run_job", **TASK_OPTIONS)
def run_job(
    self: Any,
    name: str,
    business_date: str,
    branch_id: int | None = None,
    run_id: int | None = None,
) -> list[dict[str, Any]]:
    """Run one job for one date: for one branch, or for every branch when none is named."""
    return _run(self, name, dt.date.fromisoformat(business_date), branch_id, run_id)


def _run(
    task: Any, name: str, day: dt.date, branch_id: int | None, run_id: int | None
) -> list[dict[str, Any]]:
    from accounts.models import Branch

    spec = job_get(name)
    task_id = str(task.request.id or "")
    queued = JobRun.objects.filter(pk=run_id).first() if run_id else None
    trigger = queued.trigger if queued else JobTrigger.SCHEDULE
    actor = queued.triggered_by if queued else None
    # Delivered again after a worker was lost: the old record keeps how it ended (a "running"
    # one is marked abandoned by job_run, which finds it by the task's id) and a new one, for
    # the same person's request, is started, so every attempt is on record.
    run = queued if queued is not None and queued.outcome == JobOutcome.QUEUED else None
    branches: list[Branch | None] = (
        [Branch.objects.get(pk=branch_id)] if branch_id is not None else job_branches(spec)
    )
    runs = [
        job_run(
            name=name,
            business_date=day,
            trigger=trigger,
            branch=branch,
            actor=actor,
            progress=_progress_to_backend(task),
            run=run,
            task_id=task_id,
        )
        for branch in branches
    ]
    return [run_summary(r) for r in runs]


@shared_task(name="branch_ops.run_scheduled_job", **TASK_OPTIONS)
def run_scheduled_job(self: Any, name: str) -> list[dict[str, Any]]:
    """A beat entry: today's business date in Beijing, after asking the trading calendar
    whether this job's schedule runs today."""
    today = beijing_today()
    spec = job_get(name)
    try:
        if not job_scheduled_today(spec, day=today, calendar=TradingCalendar()):
            logger.info("job %s is not scheduled on %s", name, today)
            return []
    except CalendarUnknown:
        pass  # job_run records the failure with the calendar's message
    return _run(self, name, today, None, None)


@shared_task(name="branch_ops.ping", acks_late=True, soft_time_limit=10, time_limit=20)
def ping() -> dict[str, Any]:
    """A health check: `celery -A branch_ops call branch_ops.ping` proves a worker is
    taking tasks from the broker."""
    return {"pong": True, "settings": settings.SETTINGS_MODULE}
