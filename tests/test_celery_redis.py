"""A real Celery worker, in its own process, against the real Redis on 127.0.0.1:6379 (a
private database, 14): a task sent through the broker completes, and — where the test
database is PostgreSQL, which another process can reach — a scheduled job runs in the
worker and leaves its record. Skipped, with the reason, where no Redis answers."""

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

REDIS_URL = "redis://127.0.0.1:6379/14"
ROOT = Path(__file__).resolve().parent.parent


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


pytestmark = pytest.mark.skipif(
    not _redis_answers(), reason="no Redis server answers on 127.0.0.1:6379 (CI starts one)"
)


def _database_url() -> str:
    """The test database, for the worker: PostgreSQL by its test name; SQLite's in-memory
    test database cannot be shared, so the worker gets a throwaway file it never writes."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{tempfile.gettempdir()}/celery-worker-unused.sqlite3"


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    """One worker process for the module, on a queue of its own; always terminated."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "branch_ops.settings.test",
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": _database_url(),
    }
    log_path = Path(tempfile.mkdtemp(prefix="celery-worker-")) / "worker.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            celery,
            "-A",
            "branch_ops",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield queue, process, log_path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        shutil.rmtree(log_path.parent, ignore_errors=True)


@pytest.fixture
def client_app():
    """The sending side: a Celery app of its own on the same broker (this process's
    app runs tasks eagerly unless the suite itself runs with REDIS_URL)."""
    from celery import Celery

    app = Celery("probe", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
    yield app
    app.close()


def _result(app, worker, task_name, **kwargs):
    queue, process, log = worker
    started = time.monotonic()
    result = app.send_task(task_name, kwargs=kwargs, queue=queue)
    try:
        with allow_join_result():
            value = result.get(timeout=25)
    except Exception:
        alive = process.poll() is None
        pytest.fail(f"worker (alive={alive}) gave no result:\n{log.read_text()[-3000:]}")
    return value, time.monotonic() - started


def test_a_real_worker_completes_a_task_sent_through_redis(worker, client_app):
    value, _seconds = _result(client_app, worker, "branch_ops.ping")
    assert value == {"pong": True, "settings": "branch_ops.settings.test"}


# Decided at collection: a transactional test that merely started on SQLite would still
# flush the shared test database at teardown.
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker is another process and SQLite's test database lives in this one's "
    "memory; runs on PostgreSQL (DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_scheduled_job_and_records_it(worker, client_app, seeded_calendar):
    from jobs.models import JobOutcome, JobRun

    value, _seconds = _result(
        client_app,
        worker,
        "branch_ops.run_job",
        name="branch_ops.heartbeat",
        business_date="2026-11-25",
    )

    [summary] = value
    assert summary["outcome"] == "succeeded"
    run = JobRun.objects.get(pk=summary["run"])
    assert run.outcome == JobOutcome.SUCCEEDED and run.counts == {"alive": 1}
