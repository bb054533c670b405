"""The job schedule without Redis (the embedded default): every half minute, run in this
process each job whose time has come today (CELERY_BEAT_SCHEDULE, Beijing time). Started
late, it catches up on today's jobs; every job is idempotent, so a restart repeats nothing.

    manage.py run_scheduler            # in the foreground, until Ctrl-C
    manage.py run_scheduler --once     # one pass, then exit (cron, tests)
    manage.py run_scheduler --detach --parent-pid PID   # what `make run` starts

Production runs `celery -A branch_ops worker` and `celery -A branch_ops beat` instead.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from jobs.registry import schedule_run_due
from kernel.calendar import beijing_now


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Command(BaseCommand):
    help = "Run the scheduled jobs in-process, on the schedule in the settings (no Redis needed)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between passes")
        parser.add_argument(
            "--detach", action="store_true", help="fork into the background and return at once"
        )
        parser.add_argument(
            "--parent-pid",
            type=int,
            help="stop when this process ends (make run passes its own pid)",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["detach"]:
            connection.close()  # the child must not share the parent's database connection
            pid = os.fork()
            if pid:
                self.stdout.write(f"scheduler running in the background (pid {pid})")
                return
        # Ctrl-C on `make run` reaches this process too: it stops quietly.
        with contextlib.suppress(KeyboardInterrupt):
            self._loop(options)
        if options["detach"]:
            sys.stdout.flush()
            os._exit(0)  # a forked child leaves without running the parent's exit handlers

    def _loop(self, options):  # type: ignore[no-untyped-def]
        parent = options["parent_pid"]
        while True:
            try:
                for run in schedule_run_due(now=beijing_now()):
                    branch = run.branch.code if run.branch else "-"
                    self.stdout.write(
                        f"{run.name} {run.business_date} {branch}: {run.outcome} "
                        f"{run.counts or ''} {run.message}".rstrip()
                    )
            except Exception as error:  # keep the loop alive; the next pass tries again
                self.stderr.write(f"scheduler pass failed: {type(error).__name__}: {error}")
            if options["once"] or (parent and not _alive(parent)):
                return
            # A long-lived process: drop a connection the database has closed meanwhile.
            close_old_connections()
            time.sleep(options["interval"])
