"""The benchmarks. Pages are timed through Django's test Client against the real views with
a logged-in user; nightly jobs run one per subprocess (`manage.py bench job NAME`) so each
one's peak memory (ru_maxrss) is its own; every job's work is rolled back afterwards, so the
data set stays the same from run to run."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Branch, Customer, CustomerKind, Staff
from accounts.selectors import customer_search
from devtools.bench.at_risk_reference import at_risk_reference_sql
from devtools.bench.generator import BIG_BRANCH_CODE
from devtools.bench.plan_reference import plan_reference_sql
from kernel.calendar import TradingCalendar, beijing_today

Say = Callable[[str], None]


class _Rollback(Exception):
    pass


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
    }


def _time(fn: Callable[[], Any], repeat: int, warm: int = 2) -> list[float]:
    for _ in range(warm):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def _raw(sql: str, params: list[Any]) -> Callable[[], Any]:
    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def _big_branch() -> Branch:
    return Branch.objects.get(code=BIG_BRANCH_CODE)


def _person(branch: Branch, key: str) -> Staff:
    return Staff.objects.get(username=f"{branch.code.lower()}-{key}")


# Counter search ----------------------------------------------------------------------------


def _id_number(pk: int, kind: str) -> str:
    return f"9144{pk:014d}" if kind == CustomerKind.INSTITUTION else f"4403{pk:013d}X"


def bench_search(repeat: int, say: Say) -> list[dict[str, Any]]:
    """Counter search over the whole 1,000,000 (the branch filter is part of the lookup):
    the selector and the page, against a raw SQL query doing the same lookup."""
    branch = _big_branch()
    sample = list(
        Customer.objects.filter(branch=branch, kind=CustomerKind.INDIVIDUAL)
        .order_by("?")
        .values_list("pk", "fund_account", "name")[:repeat]
    )
    client = Client()
    client.force_login(_person(branch, "clerk"))
    fields = {f.name for f in Customer._meta.concrete_fields}
    digest = "id_number_digest" in fields
    out = []
    for label, queries, raw_sql, raw_params in [
        (
            "fund account",
            [s[1] for s in sample],
            "SELECT id FROM accounts_customer WHERE branch_id = %s AND fund_account = %s LIMIT 50",
            lambda q: [branch.pk, q],
        ),
        (
            "identity number",
            [_id_number(s[0], CustomerKind.INDIVIDUAL) for s in sample],
            (
                "SELECT id FROM accounts_customer WHERE branch_id = %s AND id_number_digest = %s "
                "LIMIT 50"
                if digest
                else "SELECT id FROM accounts_customer WHERE branch_id = %s "
                "AND UPPER(id_number) = UPPER(%s) LIMIT 50"
            ),
            lambda q: [branch.pk, _digest_of(q) if digest else q],
        ),
        (
            "name",
            [s[2] for s in sample],
            "SELECT id FROM accounts_customer WHERE branch_id = %s AND UPPER(name) LIKE "
            "UPPER(%s) ORDER BY name LIMIT 50",
            lambda q: [branch.pk, f"%{q}%"],
        ),
    ]:
        url = reverse("customer_search")
        selector = _time(
            _over(queries, lambda q: list(customer_search(branch=branch, query=q))), repeat
        )
        page = _time(_over(queries, partial(_search_page, client, url)), repeat)
        raw = _time(_over(queries, partial(_raw_search, raw_sql, raw_params)), repeat)
        with CaptureQueriesContext(connection) as ctx:
            _get(client, url, {"q": queries[0]})
        out.append(
            {
                "name": f"counter search by {label}",
                "page": stats(page),
                "selector": stats(selector),
                "reference": stats(raw),
                "queries": len(ctx.captured_queries),
            }
        )
        say(f"search {label}: {out[-1]['page']}")
    return out


def _over(values: list[Any], fn: Callable[[Any], Any]) -> Callable[[], Any]:
    """A zero-argument call that takes the next value each time (the warm-up included)."""
    it = itertools.cycle(values)
    return lambda: fn(next(it))


def _search_page(client: Client, url: str, query: str) -> Any:
    return _get(client, url, {"q": query})


def _raw_search(sql: str, params: Callable[[str], list[Any]], query: str) -> Any:
    return _raw(sql, params(query))()


def _digest_of(value: str) -> str:
    from accounts.pii import pii_digest

    return pii_digest("id_number", value)


def _get(client: Client, url: str, params: dict[str, Any] | None = None) -> Any:
    response = client.get(url, params or {})
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} {params}: {response.status_code}")
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


# Pages at the big branch -----------------------------------------------------------------


def _detail_target(ids: Iterator[int]) -> tuple[str, dict[str, Any]]:
    return reverse("request_detail", args=[next(ids)]), {}


def _get_target(client: Client, target: Callable[[], tuple[str, dict[str, Any]]]) -> Any:
    return _get(client, *target())


def bench_pages(repeat: int, say: Say) -> list[dict[str, Any]]:
    from transfers import selectors
    from transfers.models import TransferRequest, TransferState

    branch = _big_branch()
    director = Client()
    director.force_login(_person(branch, "director"))
    lead = Client()
    lead.force_login(_person(branch, "lead"))
    # The queue worth timing is the longest one: the account manager with most customers
    # awaiting approval (the lead has signed most of them already in the generated data).
    busiest = Client()
    busiest_manager = (
        TransferRequest.objects.filter(branch=branch, state=TransferState.AWAITING_APPROVAL)
        .values("customer__account_manager")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("customer__account_manager", "n")
        .first()
    )
    queue_name = "approvals queue (counter lead)"
    if busiest_manager and busiest_manager[0]:
        manager = Staff.objects.get(pk=busiest_manager[0])
        waiting = selectors.requests_awaiting(manager).count()
        busiest.force_login(manager)
        queue_name = f"approvals queue (account manager, {waiting:,} waiting, first page)"
    else:
        busiest = lead
    last_day = TradingCalendar().previous_trading_day(beijing_today())
    month = last_day.replace(day=1)
    pages: list[tuple[str, Client, Callable[[], tuple[str, dict[str, Any]]]]] = []
    for state in TransferState:
        ids = list(
            TransferRequest.objects.filter(branch=branch, state=state).values_list("pk", flat=True)[
                : max(repeat, 5)
            ]
        )
        if ids:
            it = iter(ids * (repeat + 5))
            pages.append(
                (
                    f"request page ({state.value})",
                    lead,
                    partial(_detail_target, it),
                )
            )
    pages += [
        ("request list", lead, lambda: (reverse("request_list"), {})),
        (queue_name, busiest, lambda: (reverse("approvals_queue"), {})),
        ("home dashboard (director)", director, lambda: (reverse("home"), {})),
        (
            "monthly analysis",
            director,
            lambda: (reverse("retention_analysis"), {"month": month.strftime("%Y-%m")}),
        ),
        (
            "at-risk list",
            director,
            lambda: (reverse("retention_at_risk"), {"date": last_day.isoformat()}),
        ),
        ("revisits list", director, lambda: (reverse("revisit_list"), {})),
    ]
    out: list[dict[str, Any]] = []
    for name, client, target in pages:
        try:
            url, params = target()
            with CaptureQueriesContext(connection) as ctx:
                _get(client, url, params)
            count = len(ctx.captured_queries)
            samples = _time(partial(_get_target, client, target), repeat)
        except Exception as error:  # one broken page must not hide the others' numbers
            out.append({"name": name, "error": f"{type(error).__name__}: {error}"[:300]})
            say(f"{name}: FAILED {out[-1]['error']}")
            continue
        out.append({"name": name, "page": stats(samples), "queries": count})
        say(f"{name}: {out[-1]['page']} ({count} queries)")
    return out


# The request lifecycle -------------------------------------------------------------------


def bench_lifecycle(say: Say, seconds: float = 20.0) -> dict[str, Any]:
    """create → documents → reason → approvals → blocking check → processing → complete,
    through /api/v1/ against gunicorn with two workers (devtools/bench/api_lifecycle.py)."""
    from devtools.bench.api_lifecycle import bench_api_lifecycle

    return bench_api_lifecycle(say, seconds)


# Nightly jobs ------------------------------------------------------------------------------


def _rss_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would
    carry over the high-water mark of the parent that forked us."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def job_in_process(name: str) -> dict[str, Any]:
    """Run one benchmark job here and roll its work back; what `bench job` prints."""
    from jobs.registry import job_run, job_specs

    # Every app's jobs module and the URL configuration (the notices link into the pages)
    # loaded, as a long-running worker has them after its first job: part of the process
    # start, not of the job timed (in this fresh process the first run paid for them).
    job_specs()
    reverse("home")
    branch = _big_branch()
    calendar = TradingCalendar()
    today = beijing_today()
    last_day = calendar.previous_trading_day(today)
    baseline = _rss_mb()
    result: dict[str, Any] = {"name": name, "baseline_rss_mb": baseline}
    started = time.perf_counter()
    try:
        with transaction.atomic():
            if name == "revisits.plan":
                counts: dict[str, int] = {}
                for b in Branch.objects.filter(code__startswith="BENCH").order_by("code"):
                    run = job_run(name=name, business_date=today, trigger="command", branch=b)
                    if run.outcome != "succeeded":
                        raise RuntimeError(f"{b.code}: {run.outcome} {run.message}")
                    for key, value in run.counts.items():
                        counts[key] = counts.get(key, 0) + value
                result["counts"] = counts
            elif name == "revisits.plan.sql":
                result["counts"] = {"inserted": plan_reference_sql(today)}
            elif name == "retention.at_risk_scan.sql":
                result["counts"] = {"inserted": at_risk_reference_sql(branch, last_day)}
            else:
                day = {
                    "retention.at_risk_scan": last_day,
                    "archives.file_day": last_day,
                    "archives.integrity_check": today,
                }[name]
                run = job_run(name=name, business_date=day, trigger="command", branch=branch)
                result["counts"] = run.counts
                result["outcome"] = run.outcome
                result["message"] = run.message[:300]
            result["seconds"] = round(time.perf_counter() - started, 2)
            raise _Rollback
    except _Rollback:
        pass
    result["peak_rss_mb"] = _rss_mb()
    # The largest of the processes this one started and waited for (the filing's drawers).
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if children:
        result["children_peak_rss_mb"] = round(children / 1024, 1)
    return result


JOBS = [
    "revisits.plan",
    "revisits.plan.sql",
    "retention.at_risk_scan",
    "retention.at_risk_scan.sql",
    "archives.file_day",
    "archives.integrity_check",
]


def bench_jobs(say: Say) -> list[dict[str, Any]]:
    out = []
    for name in JOBS:
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "manage.py", "bench", "job", name],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            cwd=str(settings.BASE_DIR),
            check=False,
        )
        wall = time.perf_counter() - started
        try:
            result = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            result = {"name": name, "error": (proc.stderr or proc.stdout)[-500:]}
        result["process_seconds"] = round(wall, 2)
        out.append(result)
        say(f"job {name}: {result}")
    return out


# PDFs ----------------------------------------------------------------------------------------


def bench_pdf(repeat: int, say: Say) -> list[dict[str, Any]]:
    from transfers.models import TransferRequest, TransferState
    from transfers.pdf import business_form_pdf, receipt_pdf

    branch = _big_branch()
    clerk = _person(branch, "clerk")
    req = (
        TransferRequest.objects.filter(branch=branch, state=TransferState.COMPLETED)
        .select_related("customer", "branch")
        .first()
    )
    assert req is not None, "the data set has completed requests"
    out: list[dict[str, Any]] = []
    papers: list[tuple[str, Callable[..., bytes]]] = [
        ("business form", business_form_pdf),
        ("receipt", receipt_pdf),
    ]
    for label, render in papers:
        data = render(req, printed_by=clerk)  # warm: fonts loaded, templates compiled
        pages = max(1, data.count(b"/Type /Page") - data.count(b"/Type /Pages"))
        samples = _time(partial(render, req, printed_by=clerk), repeat)
        per_page = [s / pages for s in samples]
        out.append({"name": f"PDF {label}", "pages": pages, "per_page": stats(per_page)})
        say(f"pdf {label}: {out[-1]}")
    return out


def run_all(*, repeat: int, say: Say) -> dict[str, Any]:
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": machine(),
        "search": bench_search(repeat, say),
        "pages": bench_pages(repeat, say),
        "pdf": bench_pdf(repeat, say),
        "jobs": bench_jobs(say),
    }
    results["lifecycle"] = bench_lifecycle(say)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def machine() -> dict[str, Any]:
    import platform

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "postgresql": pg,
        "shared_buffers": buffers,
        "platform": platform.platform(),
        # Other work on the machine skews every timing: say how busy it was.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
