"""A worker SIGKILLed in the middle of a job, for real: a Celery worker process against
Redis and the test's PostgreSQL database starts a job that blocks, is killed outright (no
acknowledgement, no clean-up), and a second worker receives the same task again once the
visibility timeout has passed. The job then finishes exactly once, and the first attempt's
run is marked abandoned instead of "running" for ever.

The worker is another process, so it must see the test's rows: the test is transactional
(committed rows) and the worker is pointed at the test database by name. SQLite's test
database lives in this process's memory, so the test runs only where REDIS_URL and a
PostgreSQL DATABASE_URL are set (the second half of .ci/run)."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from celery.result import allow_join_result
from django.db import connection

from tests.jobs.blocking_job import NAME

REDIS_URL = os.environ.get("REDIS_URL", "")
ROOT = Path(__file__).resolve().parents[2]
# Short limits for the test's workers: the visibility timeout follows them (settings).
TIME_LIMIT, MARGIN = 4, 2

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (.ci/run sets it)"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker is another process and must share the test's database: "
        "needs PostgreSQL (DATABASE_URL=postgres://…)",
    ),
]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    def __init__(self, queue: str, logs: Path) -> None:
        self.queue, self.logs, self.started = queue, logs, []

    def start(self, name: str, *, hold: bool) -> subprocess.Popen:
        env = {
            **os.environ,
            # This tree's packages, whatever else the interpreter has installed.
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "DJANGO_SETTINGS_MODULE": "branch_ops.settings.test",
            "REDIS_URL": REDIS_URL,
            "DATABASE_URL": _database_url(),
            "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
            "CELERY_TASK_SOFT_TIME_LIMIT": str(TIME_LIMIT - 1),
            "CELERY_VISIBILITY_MARGIN": str(MARGIN),
            "HOLD_THE_JOB": "1" if hold else "0",
        }
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "branch_ops", "worker"),
                *("--pool=solo", "--concurrency=1"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                *("--include", "tests.jobs.blocking_job", "-Q", self.queue),
                *("-n", f"{name}-{self.queue}@localhost", "--loglevel=INFO"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def log(self) -> str:
        return "\n".join(p.read_text()[-2000:] for p in sorted(self.logs.glob("*.log")))


@pytest.fixture
def workers():
    logs = Path(tempfile.mkdtemp(prefix="celery-killed-"))
    pool = Workers(f"test-killed-{uuid.uuid4().hex[:8]}", logs)
    yield pool
    for process in pool.started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
    shutil.rmtree(logs, ignore_errors=True)


@pytest.fixture
def sender():
    from celery import Celery

    app = Celery("sender", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
    yield app
    app.close()


def _wait_for(condition, *, seconds: float, workers: Workers, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"{what} within {seconds} s; workers said:\n{workers.log()}")


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_is_killed_is_redelivered_and_finished_once(workers, sender):
    from jobs.models import JobOutcome, JobRun

    first = workers.start("first", hold=True)
    task = sender.send_task(
        "branch_ops.run_job",
        kwargs={"name": NAME, "business_date": "2026-11-25"},
        queue=workers.queue,
    )
    dying = _wait_for(
        lambda: JobRun.objects.filter(name=NAME, outcome=JobOutcome.RUNNING).first(),
        seconds=30,
        workers=workers,
        what="the first worker did not start the job",
    )

    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    workers.start("second", hold=False)

    with allow_join_result():
        [summary] = task.get(timeout=TIME_LIMIT + MARGIN + 30)
    assert summary["outcome"] == JobOutcome.SUCCEEDED, workers.log()
    dying.refresh_from_db()
    assert dying.outcome == JobOutcome.ABANDONED
    assert dying.finished_at is not None
    time.sleep(TIME_LIMIT + MARGIN + 1)  # long enough for a second redelivery, if any
    runs = JobRun.objects.filter(name=NAME)
    assert runs.count() == 2
    [finished] = runs.filter(outcome=JobOutcome.SUCCEEDED)
    assert finished.pk == summary["run"] and finished.counts == {"finished": 1}
    assert finished.task_id == dying.task_id == task.id
