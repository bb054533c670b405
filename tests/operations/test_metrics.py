"""/metrics (operations/metrics.py): the monitor reads request latency by view, errors, job
runs by name and outcome with their durations, queue depth and sign-in lockouts; nobody else
reads anything."""

import datetime as dt

import pytest
from axes.signals import user_locked_out
from django.test import Client
from django.urls import path
from django.utils import timezone
from prometheus_client import REGISTRY

from jobs.models import JobOutcome, JobRun, JobTrigger
from operations import views
from tests.builders import TODAY, to_awaiting_approval

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-scrape-token"


@pytest.fixture
def protected(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    settings.REDIS_URL = ""


def scrape(client: Client, **headers) -> tuple[int, str]:
    response = client.get("/metrics", **headers)
    return response.status_code, response.content.decode()


def test_metrics_do_not_exist_until_a_token_or_an_address_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert scrape(client, HTTP_AUTHORIZATION="Bearer ")[0] == 404


def test_metrics_without_the_token_are_refused(client, protected):
    status, text = scrape(client)
    assert status == 403 and "metrics token" in text
    assert scrape(client, HTTP_AUTHORIZATION="Bearer wrong")[0] == 403
    assert scrape(client, HTTP_AUTHORIZATION=TOKEN)[0] == 403  # the scheme is part of it


def test_metrics_with_the_token_show_job_runs_and_request_latency(client, protected):
    started = timezone.now() - dt.timedelta(minutes=1)
    JobRun.objects.create(
        name="revisits.plan",
        business_date=TODAY,
        trigger=JobTrigger.SCHEDULE,
        outcome=JobOutcome.FAILED,
        started_at=started,
        finished_at=started + dt.timedelta(seconds=4),
    )
    client.get("/health/live/")
    status, text = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert status == 200
    assert 'branch_ops_job_runs_total{job="revisits.plan",outcome="failed"} 1.0' in text
    assert 'branch_ops_job_run_duration_seconds_sum{job="revisits.plan"} 4.0' in text
    assert 'branch_ops_job_run_duration_seconds_count{job="revisits.plan"} 1.0' in text
    assert 'branch_ops_http_request_duration_seconds_count{method="GET",view="health_live"}' in text
    assert 'branch_ops_http_responses_total{method="GET",status="200",view="health_live"}' in text


def test_an_allowed_address_reads_metrics_without_the_token(protected, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.8.0.0/16"]
    assert Client(REMOTE_ADDR="10.8.3.4").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.9.3.4").get("/metrics").status_code == 403


def test_a_lockout_is_counted(client, protected):
    before = REGISTRY.get_sample_value("branch_ops_signin_lockouts_total") or 0
    user_locked_out.send(sender=None, request=None, username="x", ip_address="10.0.0.1")
    assert REGISTRY.get_sample_value("branch_ops_signin_lockouts_total") == before + 1
    text = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[1]
    assert f"branch_ops_signin_lockouts_total {before + 1}" in text


def boom(request):
    raise ValueError("a bug")


# This module is its own URLconf for the test below: a view that fails, and the metrics.
urlpatterns = [path("boom/", boom, name="boom"), path("metrics", views.metrics)]


def test_an_unhandled_error_is_counted_by_view(protected, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    assert client.get("/boom/").status_code == 500
    text = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[1]
    assert 'branch_ops_http_exceptions_total{exception="ValueError",view="boom"}' in text
    assert 'branch_ops_http_responses_total{method="GET",status="500",view="boom"}' in text


def test_requests_awaiting_approval_are_counted_by_branch(client, protected, people):
    to_awaiting_approval(people, people.customer("ordinary"))
    text = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[1]
    assert f'branch_ops_requests_awaiting_approval{{branch="{people.branch.code}"}} 1.0' in text


def test_metrics_name_no_person(client, protected, people):
    customer = people.customer("ordinary")
    to_awaiting_approval(people, customer)
    text = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[1]
    assert customer.name not in text
    assert people.clerk.username not in text and people.clerk.display_name not in text
