"""Time the head-office console at a large broker's scale (docs/PERFORMANCE.md): N branches
(150 by default) with twelve months of stored figures each, the console's pages through the
real views, and the firm's monthly computation over every branch in the database.

What it generates: the branches (BH001…) and, per branch and month, one BranchMonthFigures
row with a reason, tier and receiving-broker breakdown and compliance counts; and the churn
events the computation reads: an Art. 30 memo ("left") for every completed request the
database holds without one. It does not generate customers or requests: the computation is
timed over what `bench generate` loaded (its requests, revisits and archive access on ten
branches) plus the new branches, which hold none, so its time is the per-branch query cost
times the branch count plus the cost of the real data."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Branch, Staff
from accounts.roles import Role
from devtools.bench.runners import stats
from headoffice.models import BranchMonthFigures
from headoffice.services import branch_month_figures_compute
from kernel.calendar import beijing_today
from retention.jobs import previous_month
from retention.selectors.analysis import add_months

REASONS = [("moved_away", "迁居", "Moved away"), ("commission", "佣金", "Commission")]
TIERS = ["ordinary", "important", "core", "institution"]
BROKERS = [f"竞争券商{n}" for n in range(8)]
MONTHS = 12


def _figures(branch: Branch, month: dt.date, rng: random.Random, now: Any) -> BranchMonthFigures:
    churn = rng.randint(0, 120)
    assets = Decimal(rng.randint(0, 50_000_000)).quantize(Decimal("0.01"))
    split = [churn // 2, churn - churn // 2]
    decided = churn + rng.randint(0, 60)
    return BranchMonthFigures(
        branch=branch,
        month=month,
        churn_count=churn,
        churn_assets=assets,
        decided=decided,
        stayed=decided - churn,
        by_reason=[
            {"code": c, "name_zh": zh, "name_en": en, "count": n, "assets": str(assets / 2)}
            for (c, zh, en), n in zip(REASONS, split, strict=True)
        ],
        by_tier=[{"tier": t, "count": churn // 4, "assets": str(assets / 4)} for t in TIERS],
        by_broker=[{"broker": b, "count": churn // 8, "assets": str(assets / 8)} for b in BROKERS],
        late_requests=rng.randint(0, 3),
        overdue_sign_offs=rng.randint(0, 2),
        revisits_due=rng.randint(0, 200),
        revisits_done=rng.randint(0, 200),
        commitments_due=rng.randint(0, 40),
        commitments_kept_on_time=rng.randint(0, 40),
        blocked_by_condition={"repo_open": rng.randint(0, 5), "ipo_frozen": rng.randint(0, 3)},
        computed_at=now,
    )


def _churn_events(month: dt.date) -> int:
    """An Art. 30 memo for each completed request without one, left in `month` so the
    computation finds them (the generator's requests end over the last sixty days)."""
    from retention.models import MemoOutcome, WorkMemo
    from transfers.models import TransferRequest, TransferState

    done = TransferRequest.objects.filter(
        state=TransferState.COMPLETED, ended_at__isnull=False, work_memo__isnull=True
    ).values_list("pk", "branch_id", "customer_id", "primary_reason_id", "sz_receiving_broker")
    rng = random.Random(30)
    memos = [
        WorkMemo(
            request_id=pk,
            branch_id=branch_id,
            customer_id=customer_id,
            outcome=MemoOutcome.LEFT,
            main_reasons="基准",
            primary_reason_id=reason_id,
            tier=rng.choice(TIERS),
            assets=Decimal(rng.randint(10_000, 5_000_000)),
            receiving_broker=broker or rng.choice(BROKERS),
            left_on=month.replace(day=rng.randint(1, 28)),
        )
        for pk, branch_id, customer_id, reason_id, broker in done
    ]
    WorkMemo.objects.bulk_create(memos, batch_size=2000)
    return len(memos)


class Command(BaseCommand):
    help = "Benchmark the head-office console over N branches' twelve months of figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--branches", type=int, default=150)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args: object, **options: object) -> None:
        count, repeat = int(str(options["branches"])), int(str(options["repeat"]))
        rng = random.Random(15)
        last = previous_month(beijing_today())
        Branch.objects.bulk_create(
            [Branch(code=f"BH{n:03d}", name=f"基准营业部{n:03d}") for n in range(1, count + 1)],
            ignore_conflicts=True,
        )
        branches = list(Branch.objects.filter(code__startswith="BH").order_by("code")[:count])

        memos = _churn_events(last)

        started = time.perf_counter()
        computed = branch_month_figures_compute(month=last, today=beijing_today())
        compute_s = time.perf_counter() - started

        now = timezone.now()
        months = [add_months(last, -i) for i in range(MONTHS)]
        BranchMonthFigures.objects.filter(branch__in=branches).delete()
        BranchMonthFigures.objects.bulk_create(
            [_figures(b, m, rng, now) for b in branches for m in months], batch_size=2000
        )

        user, _created = Staff.objects.get_or_create(
            username="bench-hq", defaults={"branch": branches[0], "display_name": "总部"}
        )
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name=Role.HQ_MARKETING))
        client = Client()
        client.force_login(user)
        query = {"from": f"{months[-1]:%Y-%m}", "to": f"{last:%Y-%m}"}
        pages = {
            "console (12 months)": (reverse("headoffice_console"), query),
            "console (1 month)": (reverse("headoffice_console"), {"month": f"{last:%Y-%m}"}),
            "compliance (12 months)": (reverse("headoffice_compliance"), query),
            "branch page": (reverse("headoffice_branch", args=[branches[0].pk]), query),
            "CSV export": (reverse("headoffice_csv"), query),
            "XLSX export": (reverse("headoffice_xlsx"), query),
            "PDF export": (reverse("headoffice_pdf"), query),
        }
        results: dict[str, Any] = {
            "branches": len(branches),
            "rows": len(branches) * MONTHS,
            "monthly_computation": {
                "churn_events_added": memos,
                "branches": computed,
                "seconds": round(compute_s, 2),
            },
            "pages": {},
        }
        for name, (url, params) in pages.items():
            for _ in range(2):
                client.get(url, params)
            samples = []
            for _ in range(repeat):
                t = time.perf_counter()
                response = client.get(url, params)
                samples.append(time.perf_counter() - t)
                assert response.status_code == 200, (name, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, params)
            results["pages"][name] = {**stats(samples), "queries": len(queries)}
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
