"""The backups as scheduled jobs: each run is a JobRun ("operations.backup_database",
"operations.backup_media") on the general manager's jobs page with its outcome, age and
size, and the readiness check reads the latest succeeded one against BACKUP_MAX_AGE_HOURS."""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
