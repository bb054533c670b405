"""Time the head-office console at a large broker's scale (docs/PERFORMANCE.md): the churn
events of a firm of ten million customers on 150 branches for twelve months
(devtools/bench/headoffice.py says what is generated and what is shared), the firm's
monthly computation of every branch's figures over them, month by month, and then the
console's pages through the real views over the figures it kept.

The events are generated once: a database that already holds them is reused, so the
computation and the pages can be timed again without regenerating (drop the database, as
`make bench` does, to start afresh). The computation runs over every branch in the
database, the ten of `bench generate` too when `make bench` ran it first."""

from __future__ import annotations

import json
import os
import time
from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Branch, Staff
from accounts.roles import Role
from devtools.bench.headoffice import BRANCH_PREFIX, FirmVolumes, generate
from devtools.bench.runners import stats
from headoffice.models import BranchMonthFigures
from headoffice.services import branch_month_figures_compute
from kernel.calendar import beijing_today
from retention.jobs import previous_month
from retention.selectors.analysis import add_months, monthly_figures


def _agrees(last: Any, branch: Branch) -> bool:
    """At scale too, a branch's kept figures are its own analysis's (Art. 7)."""
    row = BranchMonthFigures.objects.get(branch=branch, month=last)
    f = monthly_figures(branch=branch, month=last)
    return (row.churn_count, str(row.churn_assets), row.decided, row.stayed, row.by_tier) == (
        f["churn"]["count"],
        f["churn"]["assets"],
        f["retention"]["decided"],
        f["retention"]["stayed"],
        f["by_tier"],
    )


class Command(BaseCommand):
    help = "Benchmark the head office's monthly computation and console at a firm's scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--branches", type=int, default=150)
        parser.add_argument("--customers", type=int, default=10_000_000)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args: object, **options: Any) -> None:
        vol = FirmVolumes(
            customers=int(options["customers"]),
            branches=int(options["branches"]),
            months=int(options["months"]),
        )
        repeat = int(options["repeat"])
        load_before = os.getloadavg()
        today = beijing_today()
        last = previous_month(today)
        gen = generate(vol=vol, today=today, last=last, say=self.stderr.write)

        # The job's work, once per month generated: the last is the month it computes on
        # the first trading day of this one.
        months = [add_months(last, -i) for i in range(vol.months - 1, -1, -1)]
        seconds = []
        computed = 0
        for month in months:
            started = time.perf_counter()
            computed = branch_month_figures_compute(month=month, today=today)
            seconds.append(time.perf_counter() - started)
            self.stderr.write(f"figures {month:%Y-%m}: {seconds[-1]:.2f} s")

        branches = list(Branch.objects.filter(code__startswith=BRANCH_PREFIX).order_by("code"))
        user, _created = Staff.objects.get_or_create(
            username="bench-hq", defaults={"branch": branches[0], "display_name": "总部"}
        )
        user.groups.add(Group.objects.get(name=Role.HQ_MARKETING))
        client = Client()
        client.force_login(user)
        query = {"from": f"{months[0]:%Y-%m}", "to": f"{last:%Y-%m}"}
        pages = {
            f"console ({len(months)} months)": (reverse("headoffice_console"), query),
            "console (1 month)": (reverse("headoffice_console"), {"month": f"{last:%Y-%m}"}),
            f"compliance ({len(months)} months)": (reverse("headoffice_compliance"), query),
            "branch page": (reverse("headoffice_branch", args=[branches[0].pk]), query),
            "CSV export": (reverse("headoffice_csv"), query),
            "XLSX export": (reverse("headoffice_xlsx"), query),
            "PDF export": (reverse("headoffice_pdf"), query),
        }
        results: dict[str, Any] = {
            "volumes": vol.as_dict(),
            "generated": {
                "reused": gen.reused,
                "rows": gen.rows,
                "seconds": gen.seconds,
            },
            "monthly_computation": {
                "agrees_with_branch_analysis": _agrees(last, branches[0]),
                "branches": computed,
                "months": len(months),
                "last_month_seconds": round(seconds[-1], 2),
                "slowest_month_seconds": round(max(seconds), 2),
                "every_month_seconds": [round(s, 2) for s in seconds],
            },
            "pages": {},
        }
        for name, (url, params) in pages.items():
            for _ in range(2):
                client.get(url, params)
            samples, cpu = [], []
            for _ in range(repeat):
                t, c = time.perf_counter(), time.process_time()
                response = client.get(url, params)
                samples.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                assert response.status_code == 200, (name, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, params)
            results["pages"][name] = {
                **stats(samples),
                # This process's own CPU (the view, not PostgreSQL's): what the page costs
                # whatever else shares the two cores.
                "cpu_median_ms": stats(cpu)["median_ms"],
                "queries": len(queries),
            }
        # Two cores: a load above 2 means the timings were shared with other work.
        results["load_average"] = {"start": load_before, "end": os.getloadavg()}
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
