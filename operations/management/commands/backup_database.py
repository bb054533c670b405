"""One base backup of the database now (pgBackRest), recorded as the job
"operations.backup_database" like a scheduled one.

    manage.py backup_database [--type full|diff|incr]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jobs.models import JobOutcome, JobTrigger
from jobs.registry import job_run
from kernel.calendar import beijing_today
from operations.jobs_backup import DATABASE_JOB, kind_requested


class Command(BaseCommand):
    help = "Take a pgBackRest base backup of the database and expire the old ones."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--type", choices=["full", "diff", "incr"], help="default: the schedule's"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        token = kind_requested.set(options["type"])
        try:
            run = job_run(
                name=DATABASE_JOB, business_date=beijing_today(), trigger=JobTrigger.COMMAND
            )
        finally:
            kind_requested.reset(token)
        self.stdout.write(f"{run.name}: {run.outcome} {run.counts or ''} {run.message}".rstrip())
        if run.outcome != JobOutcome.SUCCEEDED:
            raise CommandError(run.message or run.outcome)
