"""Run (or re-run) a scheduled job by hand for a business date, with a progress bar.

manage.py run_job revisits.plan --date 2026-11-25
manage.py run_job revisits.plan --date 2026-11-25 --branch SH01
manage.py run_job --list
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import Branch
from jobs.models import JobOutcome, JobTrigger
from jobs.registry import job_branches, job_get, job_run, job_specs
from kernel.calendar import beijing_today
from kernel.errors import ApplicationError


class Command(BaseCommand):
    help = "Run a scheduled job for a business date (idempotent: re-running fills only gaps)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("name", nargs="?", help="the job's name (see --list)")
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            help="business date YYYY-MM-DD (default: today in Beijing)",
        )
        parser.add_argument("--branch", help="one branch's code (default: every branch)")
        parser.add_argument(
            "--list", "--all", action="store_true", dest="list", help="list the jobs and exit"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["list"] or not options["name"]:
            for spec in job_specs():
                scope = "per branch" if spec.per_branch else "whole installation"
                days = "trading days" if spec.trading_days_only else "any day"
                self.stdout.write(f"{spec.name:34} {spec.description} [{scope}; {days}]")
            return
        try:
            spec = job_get(options["name"])
        except ApplicationError as error:
            raise CommandError(f"{error} Known: {', '.join(error.details['known'])}") from None
        day = options["date"] or beijing_today()
        branches: list[Branch | None]
        if options["branch"]:
            branch = Branch.objects.filter(code=options["branch"]).first()
            if branch is None:
                raise CommandError(f"No branch with code {options['branch']!r}.")
            branches = [branch] if spec.per_branch else [None]
        else:
            branches = job_branches(spec)

        failed = 0
        for branch in branches:
            label = f"{spec.name} {day} {branch.code if branch else ''}".strip()
            with tqdm(total=None, desc=label, unit="step", file=self.stderr._out) as bar:

                def progress(done: int, total: int | None, bar=bar) -> None:  # type: ignore[no-untyped-def]
                    bar.total = total
                    bar.n = done
                    bar.refresh()

                run = job_run(
                    name=spec.name,
                    business_date=day,
                    trigger=JobTrigger.COMMAND,
                    branch=branch,
                    progress=progress,
                )
            counts = ", ".join(f"{k}={v}" for k, v in sorted(run.counts.items())) or "-"
            line = f"{label}: {run.outcome} ({counts}) {run.message}".rstrip()
            if run.outcome == JobOutcome.FAILED:
                failed += 1
                self.stdout.write(self.style.ERROR(line))
            else:
                self.stdout.write(self.style.SUCCESS(line))
        if failed:
            raise CommandError(f"{failed} run(s) failed; see the messages above and /jobs/.")
