"""What the readiness endpoint asks before a load balancer sends this instance work: each check
answers ok or not with a short detail that names no person, no path and no host, since the
endpoint answers anyone who can reach it (JR/T 0099 asks the service's state to be watched,
not its data shown). A check that raises is a failure, logged here with its cause."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import JobOutcome, JobRun
from kernel.calendar import CalendarUnknown, TradingCalendar, beijing_today

logger = logging.getLogger(__name__)

HEARTBEAT_JOB = "branch_ops.heartbeat"
# Recorded by the backups (operations/backup*.py) as JobRuns under these names.
BACKUP_JOBS = ("operations.backup_database", "operations.backup_media")


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str

    def as_json(self) -> dict[str, bool | str]:
        return {"ok": self.ok, "detail": self.detail}


def check_database() -> CheckResult:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        # An instance started before `migrate` ran would fail on the first new column.
        return CheckResult(
            False,
            _(
                "The database is reachable but {count} migrations have not been applied: run "
                "manage.py migrate."
            ).format(count=len(pending)),
        )
    return CheckResult(True, _("Reachable and migrated."))


def check_redis() -> CheckResult:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return CheckResult(True, _("Not configured: tasks run in the web process."))
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return CheckResult(True, _("Reachable."))


def check_calendar() -> CheckResult:
    """Every deadline the counter computes rests on the trading calendar: readiness wants it
    known for HEALTH_CALENDAR_TRADING_DAYS trading days ahead (the demo's provisional years
    count as known; the calendar watch job warns of them to the calendar keeper)."""
    ahead = settings.HEALTH_CALENDAR_TRADING_DAYS
    try:
        TradingCalendar().add_trading_days(beijing_today(), ahead)
    except CalendarUnknown:
        return CheckResult(
            False,
            _(
                "The trading calendar does not reach {days} trading days ahead: enter next "
                "year's holidays on the calendar page."
            ).format(days=ahead),
        )
    return CheckResult(True, _("Known for the next {days} trading days.").format(days=ahead))


def check_media() -> CheckResult:
    root = Path(settings.MEDIA_ROOT)
    try:
        # A probe file, removed at once: the papers and scans are written here.
        with tempfile.NamedTemporaryFile(dir=root, prefix=".health-", delete=True) as probe:
            probe.write(b"ok")
            probe.flush()
    except OSError:
        logger.exception("media storage is not writable")
        return CheckResult(
            False,
            _("Media storage is not writable: check the volume and its permissions."),
        )
    free_mb = shutil.disk_usage(root).free // (1024 * 1024)
    least = settings.HEALTH_MEDIA_MIN_FREE_MB
    if free_mb < least:
        return CheckResult(
            False,
            _(
                "Media storage has {free} MB free, less than the {least} MB required: free "
                "space or grow the volume."
            ).format(free=free_mb, least=least),
        )
    return CheckResult(True, _("Writable, {free} MB free.").format(free=free_mb))


def latest_backup(name: str) -> JobRun | None:
    return (
        JobRun.objects.filter(name=name, outcome=JobOutcome.SUCCEEDED, finished_at__isnull=False)
        .order_by("-finished_at")
        .first()
    )


def backup_age_problem(name: str, *, now: dt.datetime | None = None) -> str | None:
    """Why this backup is not good enough now, or None (also when backups are not
    configured and none has ever run: the embedded demo keeps no backups)."""
    now = now or timezone.now()
    latest = latest_backup(name)
    if latest is None:
        if not _backups_configured(name):
            return None
        return _("No backup has succeeded yet.")
    limit = dt.timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)
    assert latest.finished_at is not None
    age = now - latest.finished_at
    if age > limit:
        return _(
            "The last successful backup is {hours} hours old, more than the {limit} allowed."
        ).format(hours=int(age.total_seconds() // 3600), limit=settings.BACKUP_MAX_AGE_HOURS)
    return None


def _backups_configured(name: str) -> bool:
    """On, or once a backup has really run here (a skipped run, backups off, does not count)."""
    return (
        settings.BACKUPS_ENABLED
        or JobRun.objects.filter(name=name).exclude(outcome=JobOutcome.SKIPPED).exists()
    )


def _check_backup(name: str) -> CheckResult:
    if not _backups_configured(name):
        return CheckResult(True, _("Not configured (BACKUPS_ENABLED is off)."))
    problem = backup_age_problem(name)
    if problem:
        return CheckResult(False, problem)
    return CheckResult(True, _("Recent enough."))


def check_backup_database() -> CheckResult:
    return _check_backup(BACKUP_JOBS[0])


def check_backup_media() -> CheckResult:
    return _check_backup(BACKUP_JOBS[1])


def check_scheduler() -> CheckResult:
    """The scheduler runs the heartbeat job every few minutes (CELERY_BEAT_SCHEDULE): no
    recent successful heartbeat means no scheduled job runs either."""
    limit = dt.timedelta(minutes=settings.SCHEDULER_HEARTBEAT_MAX_AGE_MINUTES)
    last = (
        JobRun.objects.filter(name=HEARTBEAT_JOB, outcome=JobOutcome.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last is None or timezone.now() - last > limit:
        return CheckResult(
            False,
            _(
                "The scheduler has not answered for more than {minutes} minutes: check that "
                "the beat scheduler and a worker are running."
            ).format(minutes=settings.SCHEDULER_HEARTBEAT_MAX_AGE_MINUTES),
        )
    return CheckResult(True, _("Alive."))


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": check_database,
    "redis": check_redis,
    "calendar": check_calendar,
    "media": check_media,
    "backup_database": check_backup_database,
    "backup_media": check_backup_media,
    "scheduler": check_scheduler,
}


def readiness() -> dict[str, CheckResult]:
    results: dict[str, CheckResult] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:
            # The cause (a host name, a path, a password in a URL) stays in the log.
            logger.exception("readiness check %s failed", name)
            results[name] = CheckResult(False, _("The check could not be completed."))
    return results
