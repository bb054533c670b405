"""Compute (again) one month's figures of every branch, and its alerts, by hand: after a
correction in a branch, or for months before the console existed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kernel.calendar import beijing_today
from kernel.errors import InvalidInput
from kernel.params import month_param
from retention.jobs import previous_month

from ...services import branch_alerts_raise, branch_month_figures_compute


class Command(BaseCommand):
    help = "Compute every branch's figures and alerts of one month (YYYY-MM) for the head office."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", nargs="?", help="the month, YYYY-MM (last month if none)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = month_param(options["month"], name="month")
        except InvalidInput as error:
            raise CommandError(str(error)) from error
        today = beijing_today()
        month = month or previous_month(today)
        count = branch_month_figures_compute(month=month, today=today)
        alerts = branch_alerts_raise(month=month, today=today)
        self.stdout.write(
            f"{month:%Y-%m}: {count} branches, {alerts['alerts']} alerts "
            f"({alerts['alerts_new']} new)"
        )
