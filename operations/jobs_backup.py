"""The backups as scheduled jobs: each run is a JobRun ("operations.backup_database",
"operations.backup_media") on the general manager's jobs page with its outcome, age and
size, and the readiness check reads the latest succeeded one against BACKUP_MAX_AGE_HOURS."""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models import JobOutcome, JobRun
from jobs.registry import JobContext, JobSkipped, job

from . import backup

DATABASE_JOB = "operations.backup_database"
MEDIA_JOB = "operations.backup_media"
# `backup_database --type full`: the one run asked for by hand; None: the schedule's rule.
kind_requested: ContextVar[str | None] = ContextVar("kind_requested", default=None)


def _enabled() -> None:
    if not settings.BACKUPS_ENABLED:
        raise JobSkipped(
            _("Backups are off here (BACKUPS_ENABLED): turn them on where pgBackRest runs.")
        )


@job(
    DATABASE_JOB,
    title=gettext_lazy("Back up the database"),
    description=gettext_lazy(
        "A pgBackRest base backup (full weekly, differential daily) and the expiry of old ones"
    ),
    trading_days_only=False,
    per_branch=False,
    needs_calendar=False,
    figures={
        "bytes": gettext_lazy("Bytes stored"),
        "database_bytes": gettext_lazy("Database size"),
        "kept_full": gettext_lazy("Full backups kept"),
    },
)
def backup_database(ctx: JobContext) -> dict[str, int]:
    _enabled()
    return backup.database_backup(kind=kind_requested.get()).counts()


@job(
    MEDIA_JOB,
    title=gettext_lazy("Back up the media"),
    description=gettext_lazy("A dated snapshot of the stored files with their SHA-256 manifest"),
    trading_days_only=False,
    per_branch=False,
    needs_calendar=False,
    figures={
        "files": gettext_lazy("Files"),
        "bytes": gettext_lazy("Bytes"),
        "copied": gettext_lazy("Copied"),
        "linked": gettext_lazy("Unchanged (linked)"),
        "refused": gettext_lazy("Key-like files left out"),
        "expired": gettext_lazy("Old snapshots removed"),
    },
)
def backup_media(ctx: JobContext) -> dict[str, int]:
    _enabled()
    return backup.media_backup().counts()


@dataclass(frozen=True)
class BackupState:
    """The state of one backup for the health check and the readiness: its latest run,
    its latest success, how old that is and how big; fresh when it is younger than
    BACKUP_MAX_AGE_HOURS (or backups are off here)."""

    name: str
    latest: JobRun | None
    succeeded: JobRun | None
    age: dt.timedelta | None
    bytes: int | None
    fresh: bool


def backups_state(*, now: dt.datetime | None = None) -> list[BackupState]:
    now = now or timezone.now()
    limit = dt.timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)
    states = []
    for name in (DATABASE_JOB, MEDIA_JOB):
        runs = JobRun.objects.filter(name=name).order_by("-queued_at", "-pk")
        succeeded = runs.filter(outcome=JobOutcome.SUCCEEDED, finished_at__isnull=False).first()
        age = now - succeeded.finished_at if succeeded and succeeded.finished_at else None
        states.append(
            BackupState(
                name=name,
                latest=runs.first(),
                succeeded=succeeded,
                age=age,
                bytes=succeeded.counts.get("bytes") if succeeded else None,
                fresh=not settings.BACKUPS_ENABLED or (age is not None and age <= limit),
            )
        )
    return states
