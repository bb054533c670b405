"""A run whose worker died is not left "running": the same task delivered again marks its
dead attempt abandoned before it starts, and any run past the hard time limit is marked
abandoned by the next job to start. A live run of the same job, under another task, is left
alone."""

import datetime as dt

from django.utils import timezone

from jobs.models import JobOutcome, JobRun, JobTrigger
from jobs.registry import job_runs_abandon_expired, job_time_limit
from jobs.tasks import run_job

DAY = dt.date(2026, 11, 25)


def _running(*, task_id: str, minutes_ago: int = 1, name: str = "branch_ops.heartbeat", **kw):
    return JobRun.objects.create(
        name=name,
        business_date=DAY,
        trigger=JobTrigger.SCHEDULE,
        outcome=JobOutcome.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        task_id=task_id,
        **kw,
    )


def _deliver(task_id: str, **kwargs):
    return run_job.apply(
        kwargs={"name": "branch_ops.heartbeat", "business_date": DAY.isoformat(), **kwargs},
        task_id=task_id,
    ).get()


def test_a_redelivered_task_marks_its_dead_attempt_abandoned_before_it_runs(db):
    dead = _running(task_id="task-1")

    [summary] = _deliver("task-1")

    dead.refresh_from_db()
    assert dead.outcome == JobOutcome.ABANDONED and dead.finished_at is not None
    assert "stopped before it finished" in dead.message
    rerun = JobRun.objects.get(pk=summary["run"])
    assert rerun.outcome == JobOutcome.SUCCEEDED and rerun.task_id == "task-1"


def test_a_live_run_of_the_same_job_under_another_task_is_left_running(db):
    live = _running(task_id="task-other")

    _deliver("task-1")

    live.refresh_from_db()
    assert live.outcome == JobOutcome.RUNNING


def test_a_run_now_whose_worker_died_is_abandoned_and_run_again(db):
    queued = JobRun.objects.create(
        name="branch_ops.heartbeat",
        business_date=DAY,
        trigger=JobTrigger.PAGE,
        task_id="task-page",
        outcome=JobOutcome.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=1),
    )

    [summary] = _deliver("task-page", run_id=queued.pk)

    queued.refresh_from_db()
    assert queued.outcome == JobOutcome.ABANDONED
    rerun = JobRun.objects.get(pk=summary["run"])
    assert rerun.pk != queued.pk and rerun.outcome == JobOutcome.SUCCEEDED
    assert rerun.trigger == JobTrigger.PAGE


def test_any_run_past_the_hard_time_limit_is_abandoned_when_a_job_starts(db):
    limit_minutes = int(job_time_limit().total_seconds() // 60)
    expired = _running(task_id="x", name="revisits.plan", minutes_ago=limit_minutes + 1)
    within = _running(task_id="y", name="revisits.plan", minutes_ago=limit_minutes - 1)

    _deliver("task-1")

    expired.refresh_from_db()
    within.refresh_from_db()
    assert expired.outcome == JobOutcome.ABANDONED
    assert within.outcome == JobOutcome.RUNNING


def test_the_expiry_sweep_leaves_finished_runs_as_they_ended(db):
    old = timezone.now() - dt.timedelta(days=1)
    done = JobRun.objects.create(
        name="branch_ops.heartbeat",
        business_date=DAY,
        trigger=JobTrigger.SCHEDULE,
        outcome=JobOutcome.SUCCEEDED,
        started_at=old,
        finished_at=old,
    )

    assert job_runs_abandon_expired() == 0

    done.refresh_from_db()
    assert done.outcome == JobOutcome.SUCCEEDED and done.finished_at == old
