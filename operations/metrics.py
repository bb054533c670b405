"""Metrics for a Prometheus-style scraper, in two kinds.

- What each process sees (request latency by view, responses by status, unhandled
  exceptions, sign-in lockouts) is kept by prometheus_client in the process. Under gunicorn's
  several workers, set PROMETHEUS_MULTIPROC_DIR to an empty directory the workers share: every
  worker writes its figures there and /metrics adds them up, whichever worker answers.
- What is stored (job runs by name and outcome with their durations, the Celery queue's
  depth, the requests waiting for approval) is read at scrape time from the database and
  Redis, so it is the same whichever process answers and counts the workers' runs too.

Labels name views, jobs, outcomes and branch codes, never a person or a customer."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Sum
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import (
    REGISTRY,
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "branch_ops_http_request_duration_seconds",
    "Time to answer a request, by view and method.",
    ["view", "method"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RESPONSES = Counter(
    "branch_ops_http_responses",
    "Responses by view, method and status code.",
    ["view", "method", "status"],
)
EXCEPTIONS = Counter(
    "branch_ops_http_exceptions",
    "Exceptions no view handled (answered with a 500), by view and exception type.",
    ["view", "exception"],
)
SIGNIN_LOCKOUTS = Counter(
    "branch_ops_signin_lockouts",
    "Sign-ins refused because the account or the address was locked out (JR/T 0060).",
)


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    # An address no URL matches is one label, not one per address a scanner tries.
    return (match.view_name or match._func_path) if match else "<unresolved>"


class RequestMetricsMiddleware:
    """First in MIDDLEWARE, so the time counted is the whole answer, the other middleware's
    work (the second factor's redirect, the lockout page) included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        view, method = _view_name(request), request.method or ""
        REQUEST_LATENCY.labels(view, method).observe(time.perf_counter() - started)
        RESPONSES.labels(view, method, str(response.status_code)).inc()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        EXCEPTIONS.labels(_view_name(request), type(exception).__name__).inc()


def signin_locked_out(sender: Any, **kwargs: Any) -> None:
    """django-axes' user_locked_out signal (connected in OperationsConfig.ready())."""
    SIGNIN_LOCKOUTS.inc()


class StoredMetrics:
    """The figures read from the database and Redis at each scrape."""

    def describe(self) -> list[Metric]:
        return []  # no fixed names to reserve: read only at scrape time

    def collect(self) -> Iterator[Metric]:
        yield from self._job_runs()
        yield from self._queue_depth()
        yield from self._approvals_waiting()

    def _job_runs(self) -> Iterator[Metric]:
        from jobs.models import JobRun

        runs = CounterMetricFamily(
            "branch_ops_job_runs",
            "Job runs recorded, by job and outcome.",
            labels=["job", "outcome"],
        )
        for row in JobRun.objects.values("name", "outcome").annotate(n=Count("pk")).order_by():
            runs.add_metric([row["name"], row["outcome"]], row["n"])
        yield runs

        durations = SummaryMetricFamily(
            "branch_ops_job_run_duration_seconds",
            "How long finished job runs took, by job.",
            labels=["job"],
        )
        last_finished = GaugeMetricFamily(
            "branch_ops_job_last_finished_timestamp_seconds",
            "When the job's latest run finished (Unix time), by job and outcome.",
            labels=["job", "outcome"],
        )
        took = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
        finished = JobRun.objects.filter(started_at__isnull=False, finished_at__isnull=False)
        for row in finished.values("name").annotate(n=Count("pk"), total=Sum(took)).order_by():
            total = row["total"].total_seconds() if row["total"] is not None else 0.0
            durations.add_metric([row["name"]], count_value=row["n"], sum_value=total)
        for row in finished.values("name", "outcome").annotate(at=Max("finished_at")).order_by():
            last_finished.add_metric([row["name"], row["outcome"]], row["at"].timestamp())
        yield durations
        yield last_finished

    def _queue_depth(self) -> Iterator[Metric]:
        url = getattr(settings, "REDIS_URL", "")
        if not url:
            return  # tasks run in the web process: there is no queue
        import redis

        depth = GaugeMetricFamily(
            "branch_ops_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"]
        )
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            # Celery's Redis transport keeps the default queue as a list named after it.
            depth.add_metric(["celery"], client.llen("celery"))
        except redis.RedisError:
            logger.warning("could not read the Celery queue's length", exc_info=True)
            return
        finally:
            client.close()
        yield depth

    def _approvals_waiting(self) -> Iterator[Metric]:
        from transfers.models import TransferRequest, TransferState

        waiting = GaugeMetricFamily(
            "branch_ops_requests_awaiting_approval",
            "Transfer requests waiting for their approvals, by branch.",
            labels=["branch"],
        )
        rows = (
            TransferRequest.objects.filter(state=TransferState.AWAITING_APPROVAL)
            .values("branch__code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            waiting.add_metric([row["branch__code"]], row["n"])
        yield waiting


class _ThisProcess:
    """The process's own metrics, when no multiprocess directory is configured."""

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def metrics_exposition() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())  # type: ignore[arg-type]
    registry.register(StoredMetrics())  # type: ignore[arg-type]
    return generate_latest(registry)
