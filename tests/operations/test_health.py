"""Liveness and readiness (operations/checks.py, operations/views.py): a load balancer asks
them without a session, they answer in JSON, name no person, and readiness fails with a
reason an operator can act on when any one thing it needs is missing."""

import datetime as dt
import json
import os
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone

from accounts.roles import Role
from jobs.models import JobOutcome, JobRun, JobTrigger
from kernel.models import CalendarYear
from operations.checks import BACKUP_JOBS, HEARTBEAT_JOB
from tests.builders import BEIJING

pytestmark = pytest.mark.django_db


def recorded(name: str, *, ago: dt.timedelta, outcome: str = JobOutcome.SUCCEEDED) -> JobRun:
    finished = timezone.now() - ago
    return JobRun.objects.create(
        name=name,
        business_date=finished.astimezone(BEIJING).date(),
        trigger=JobTrigger.SCHEDULE,
        started_at=finished - dt.timedelta(seconds=3),
        finished_at=finished,
        outcome=outcome,
    )


@pytest.fixture
def healthy(tmp_path, settings):
    """Everything readiness asks for is there: the tests take one thing away each."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.REDIS_URL = ""
    settings.BACKUPS_ENABLED = False
    settings.HEALTH_MEDIA_MIN_FREE_MB = 1
    recorded(HEARTBEAT_JOB, ago=dt.timedelta(minutes=5))
    return tmp_path


def ready(client: Client) -> tuple[int, dict]:
    response = client.get("/health/ready/")
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def failing(body: dict) -> set[str]:
    return {name for name, check in body["checks"].items() if not check["ok"]}


def test_liveness_answers_ok_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_readiness_is_200_when_every_check_passes(client, healthy):
    status, body = ready(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {
        "database",
        "redis",
        "calendar",
        "media",
        "backup_database",
        "backup_media",
        "scheduler",
    }
    assert failing(body) == set()


def test_pending_migrations_fail_readiness(client, healthy):
    with mock.patch(
        "operations.checks.MigrationExecutor.migration_plan", return_value=[(object(), False)]
    ):
        status, body = ready(client)
    assert status == 503
    assert body["status"] == "failing"
    assert failing(body) == {"database"}
    assert "migrate" in body["checks"]["database"]["detail"]


def test_a_check_that_raises_fails_without_showing_its_cause(client, healthy):
    cause = OperationalError('could not connect: password="s3cret" host=db.internal')
    with mock.patch("operations.checks.MigrationExecutor", side_effect=cause):
        status, body = ready(client)
    assert status == 503
    assert failing(body) == {"database"}
    assert "s3cret" not in json.dumps(body) and "db.internal" not in json.dumps(body)


def test_unreachable_redis_fails_readiness(client, healthy, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    status, body = ready(client)
    assert status == 503
    assert failing(body) == {"redis"}


def test_a_calendar_ending_in_ten_trading_days_fails_readiness(client, healthy, frozen_now):
    CalendarYear.objects.filter(year__gt=2026).delete()
    # 18 Dec 2026 to 31 Dec: ten trading days left, fewer than the twenty asked for.
    frozen_now.move_to(dt.datetime(2026, 12, 17, 10, 0, tzinfo=BEIJING))
    recorded(HEARTBEAT_JOB, ago=dt.timedelta(minutes=1))
    status, body = ready(client)
    assert status == 503
    assert failing(body) == {"calendar"}
    assert "holidays" in body["checks"]["calendar"]["detail"]


def test_the_calendar_check_passes_with_twenty_trading_days_known(client, healthy, frozen_now):
    CalendarYear.objects.filter(year__gt=2026).delete()
    frozen_now.move_to(dt.datetime(2026, 11, 25, 10, 0, tzinfo=BEIJING))  # to 23 Dec: 20 days
    _status, body = ready(client)
    assert "calendar" not in failing(body)


def test_media_storage_that_cannot_be_written_fails_readiness(client, healthy, settings):
    not_a_folder = healthy / "a-file"
    not_a_folder.write_text("")
    settings.MEDIA_ROOT = str(not_a_folder)
    status, body = ready(client)
    assert status == 503
    assert failing(body) == {"media"}
    assert str(healthy) not in json.dumps(body)  # no path shown to whoever asks


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_media_folder_fails_readiness(client, healthy):
    healthy.chmod(0o500)
    try:
        status, body = ready(client)
    finally:
        healthy.chmod(0o700)
    assert status == 503
    assert failing(body) == {"media"}


def test_media_storage_short_of_space_fails_readiness(client, healthy, settings):
    settings.HEALTH_MEDIA_MIN_FREE_MB = 10**9  # a petabyte
    status, body = ready(client)
    assert status == 503
    assert failing(body) == {"media"}
    assert "free" in body["checks"]["media"]["detail"]


def test_backups_not_configured_and_never_run_do_not_fail_readiness(client, healthy):
    status, body = ready(client)
    assert status == 200
    assert "not configured" in body["checks"]["backup_database"]["detail"].lower()


def test_a_backup_older_than_its_limit_fails_readiness(client, healthy, settings):
    settings.BACKUPS_ENABLED = True
    settings.BACKUP_MAX_AGE_HOURS = 26
    recorded(BACKUP_JOBS[0], ago=dt.timedelta(hours=30))
    recorded(BACKUP_JOBS[1], ago=dt.timedelta(hours=2))
    status, body = ready(client)
    assert status == 503
    assert failing(body) == {"backup_database"}
    assert "30 hours" in body["checks"]["backup_database"]["detail"]


def test_a_failed_backup_does_not_count_as_the_latest_good_one(client, healthy, settings):
    settings.BACKUPS_ENABLED = True
    recorded(BACKUP_JOBS[0], ago=dt.timedelta(hours=1), outcome=JobOutcome.FAILED)
    recorded(BACKUP_JOBS[1], ago=dt.timedelta(hours=1))
    status, body = ready(client)
    assert status == 503
    assert failing(body) == {"backup_database"}


def test_backups_enabled_but_never_run_fail_readiness(client, healthy, settings):
    settings.BACKUPS_ENABLED = True
    status, body = ready(client)
    assert status == 503
    assert failing(body) == {"backup_database", "backup_media"}


def test_a_stale_scheduler_heartbeat_fails_readiness(client, healthy, settings):
    JobRun.objects.filter(name=HEARTBEAT_JOB).delete()
    recorded(HEARTBEAT_JOB, ago=dt.timedelta(minutes=45))
    settings.SCHEDULER_HEARTBEAT_MAX_AGE_MINUTES = 30
    status, body = ready(client)
    assert status == 503
    assert failing(body) == {"scheduler"}


def test_a_failed_heartbeat_is_no_sign_of_life(client, healthy):
    JobRun.objects.filter(name=HEARTBEAT_JOB).delete()
    recorded(HEARTBEAT_JOB, ago=dt.timedelta(minutes=1), outcome=JobOutcome.FAILED)
    status, body = ready(client)
    assert status == 503
    assert failing(body) == {"scheduler"}


def test_readiness_names_no_person_and_sets_no_cookie(client, healthy, people):
    # A failure of every kind at once, with people and a customer in the database.
    customer = people.customer("ordinary")
    with mock.patch(
        "operations.checks.MigrationExecutor.migration_plan", return_value=[(object(), False)]
    ):
        response = client.get("/health/ready/")
    text = response.content.decode()
    for staff in (people.gm, people.clerk):
        assert staff.username not in text and staff.display_name not in text
    assert customer.name not in text
    assert set(json.loads(text)) == {"status", "checks"}
    assert not response.cookies


def test_health_needs_no_sign_in_nor_second_factor(healthy, people, settings):
    settings.OTP_REQUIRED_ROLES = [Role.GENERAL_MANAGER]
    client = Client()
    client.force_login(people.gm)  # owes a second factor: pages send them to enrol
    assert client.get("/jobs/").status_code == 302
    assert client.get("/health/live/").status_code == 200
    assert client.get("/health/ready/").status_code == 200


def test_health_answers_a_load_balancer_over_plain_http():
    # The probe reaches the instance behind the TLS proxy; other pages still go to HTTPS.
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        assert client.get("/health/live/").status_code == 200
        assert client.get("/login/").status_code == 301
