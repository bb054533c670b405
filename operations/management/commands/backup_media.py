"""A dated snapshot of the media now, with its SHA-256 manifest, recorded as the job
"operations.backup_media" like a scheduled one.

    manage.py backup_media
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jobs.models import JobOutcome, JobTrigger
from jobs.registry import job_run
from kernel.calendar import beijing_today
from operations.jobs_backup import MEDIA_JOB


class Command(BaseCommand):
    help = "Snapshot MEDIA_ROOT into BACKUP_MEDIA_DIR with a SHA-256 manifest."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        run = job_run(name=MEDIA_JOB, business_date=beijing_today(), trigger=JobTrigger.COMMAND)
        self.stdout.write(f"{run.name}: {run.outcome} {run.counts or ''} {run.message}".rstrip())
        if run.outcome != JobOutcome.SUCCEEDED:
            raise CommandError(run.message or run.outcome)
