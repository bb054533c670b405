"""The nightly backups where pgBackRest runs (docker-compose.yml's `backup` service): every
minute, once BACKUP_TIME (Beijing) has passed today and neither backup has run since, the
database's then the media's. The JobRun table is its memory, as for run_scheduler: started
late it catches up, restarted it repeats nothing.

    manage.py backup_scheduler [--once]
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from jobs.models import JobRun, JobTrigger
from jobs.registry import job_run
from kernel.calendar import BEIJING, beijing_now
from operations.jobs_backup import DATABASE_JOB, MEDIA_JOB


def backups_due(*, now: dt.datetime) -> list[str]:
    hour, minute = (int(part) for part in settings.BACKUP_TIME.split(":"))
    local = now.astimezone(BEIJING)
    fired = dt.datetime.combine(local.date(), dt.time(hour, minute), tzinfo=BEIJING)
    if local < fired:
        fired -= dt.timedelta(days=1)
    return [
        name
        for name in (DATABASE_JOB, MEDIA_JOB)
        if not JobRun.objects.filter(
            name=name, trigger=JobTrigger.SCHEDULE, queued_at__gte=fired
        ).exists()
    ]


class Command(BaseCommand):
    help = "Run the database and media backups each night at BACKUP_TIME (Beijing)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        while True:
            now = beijing_now()
            for name in backups_due(now=now):
                run = job_run(name=name, business_date=now.date(), trigger=JobTrigger.SCHEDULE)
                self.stdout.write(f"{run.name}: {run.outcome} {run.counts or ''} {run.message}")
            if options["once"]:
                return
            close_old_connections()
            time.sleep(60)
