"""The operators' watch (operations/alerts.py, job operations.watch): each incident is mailed
to OPERATOR_EMAILS once and reaches the general manager who answers for it once, however
often the watch runs."""

import datetime as dt

import pytest
from celery.schedules import crontab
from django.core import mail
from django.utils import timezone

from jobs.models import JobOutcome, JobRun, JobTrigger
from jobs.registry import job_run
from kernel.models import CalendarYear
from notifications.models import Notification
from operations.checks import BACKUP_JOBS
from tests.builders import BEIJING, TODAY

pytestmark = pytest.mark.django_db

OPERATORS = ["ops@example.com", "oncall@example.com"]


def at_0730(name: str) -> dict:
    return {
        f"{name}@07:30": {
            "task": "branch_ops.run_scheduled_job",
            "schedule": crontab(hour="7", minute="30"),
            "args": (name,),
        }
    }


@pytest.fixture
def operators(settings):
    settings.OPERATOR_EMAILS = OPERATORS
    settings.JOB_GRACE_MINUTES = 30
    settings.BACKUPS_ENABLED = False
    settings.CELERY_BEAT_SCHEDULE = {}  # each test schedules what it is about
    # Next year is announced: no calendar incident unless a test asks for one.
    CalendarYear.objects.get_or_create(year=2027)


def watch() -> JobRun:
    run = job_run(name="operations.watch", business_date=TODAY, trigger=JobTrigger.SCHEDULE)
    assert run.outcome == JobOutcome.SUCCEEDED, run.message
    return run


def told(staff) -> list[str]:
    return list(Notification.objects.filter(recipient=staff).values_list("subject", flat=True))


def failed_run(name: str, branch=None, outcome: str = JobOutcome.FAILED) -> JobRun:
    now = timezone.now()
    return JobRun.objects.create(
        name=name,
        business_date=TODAY,
        branch=branch,
        trigger=JobTrigger.SCHEDULE,
        outcome=outcome,
        started_at=now - dt.timedelta(minutes=2),
        finished_at=now - dt.timedelta(minutes=1),
        message="CoreUnavailable: the core system did not answer.",
    )


def test_a_failed_job_is_mailed_and_told_to_its_branch_gm_once(operators, people, other_branch):
    failed_run("revisits.plan", branch=people.branch)
    watch()
    watch()  # a quarter of an hour later: the same incident, told no more
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == OPERATORS
    assert "did not finish" in mail.outbox[0].subject
    assert "the core system did not answer" in mail.outbox[0].body
    assert len(told(people.gm)) == 1
    assert told(other_branch.gm) == []  # another branch's manager answers for nothing here
    assert told(people.clerk) == []


def test_an_abandoned_run_is_an_incident(operators, people):
    failed_run("revisits.plan", branch=people.branch, outcome=JobOutcome.ABANDONED)
    watch()
    assert len(mail.outbox) == 1 and len(told(people.gm)) == 1


def test_a_job_that_ran_again_and_succeeded_is_no_longer_an_incident(operators, people):
    failed_run("revisits.plan", branch=people.branch)
    JobRun.objects.create(
        name="revisits.plan",
        business_date=TODAY,
        branch=people.branch,
        trigger=JobTrigger.PAGE,
        outcome=JobOutcome.SUCCEEDED,
    )
    watch()
    assert mail.outbox == [] and told(people.gm) == []


def test_a_failed_installation_job_reaches_every_gm(operators, people, other_branch):
    failed_run("core_system.staging_sweep")
    watch()
    assert len(told(people.gm)) == 1 and len(told(other_branch.gm)) == 1
    assert len(mail.outbox) == 1


def test_a_missed_job_is_mailed_and_told_once(operators, people, settings, frozen_now):
    settings.CELERY_BEAT_SCHEDULE = at_0730("revisits.plan")
    frozen_now.move_to(dt.datetime(2026, 11, 25, 8, 5, tzinfo=BEIJING))  # expected by 08:00
    watch()
    frozen_now.move_to(dt.datetime(2026, 11, 25, 8, 20, tzinfo=BEIJING))
    watch()
    assert len(mail.outbox) == 1
    assert "has not run" in mail.outbox[0].subject and "08:00" in mail.outbox[0].body
    assert len(told(people.gm)) == 1


def test_a_job_is_not_missed_within_its_grace(operators, people, settings, frozen_now):
    settings.CELERY_BEAT_SCHEDULE = at_0730("revisits.plan")
    frozen_now.move_to(dt.datetime(2026, 11, 25, 7, 55, tzinfo=BEIJING))
    watch()
    assert mail.outbox == [] and told(people.gm) == []


def test_a_job_that_ran_on_time_is_not_missed(operators, people, settings, frozen_now):
    settings.CELERY_BEAT_SCHEDULE = at_0730("revisits.plan")
    frozen_now.move_to(dt.datetime(2026, 11, 25, 7, 31, tzinfo=BEIJING))
    job_run(name="revisits.plan", business_date=TODAY, branch=people.branch, trigger="schedule")
    frozen_now.move_to(dt.datetime(2026, 11, 25, 9, 0, tzinfo=BEIJING))
    watch()
    assert [m.subject for m in mail.outbox] == [] and told(people.gm) == []


def test_a_trading_day_job_is_not_missed_on_a_closed_day(operators, people, settings, frozen_now):
    # The reminders are a trading-day job: on a closed day its run would only record a skip.
    settings.CELERY_BEAT_SCHEDULE = at_0730("revisits.remind")
    frozen_now.move_to(dt.datetime(2026, 11, 28, 9, 0, tzinfo=BEIJING))  # a Saturday
    watch()
    assert [(m.subject, m.body) for m in mail.outbox] == [] and told(people.gm) == []


def test_a_daily_job_is_missed_on_a_closed_day_too(operators, people, settings, frozen_now):
    settings.CELERY_BEAT_SCHEDULE = at_0730("revisits.plan")  # planned every day
    frozen_now.move_to(dt.datetime(2026, 11, 28, 9, 0, tzinfo=BEIJING))
    watch()
    assert len(mail.outbox) == 1 and len(told(people.gm)) == 1


def test_a_failed_backup_is_mailed_and_told(operators, people):
    failed_run(BACKUP_JOBS[0])
    watch()
    watch()
    assert len(mail.outbox) == 1 and "backup" in mail.outbox[0].subject
    assert len(told(people.gm)) == 1


def test_a_backup_too_old_is_mailed_once_when_backups_are_on(operators, people, settings):
    settings.BACKUPS_ENABLED = True
    settings.BACKUP_MAX_AGE_HOURS = 26
    for name in BACKUP_JOBS:
        finished = timezone.now() - dt.timedelta(hours=30 if name == BACKUP_JOBS[0] else 1)
        JobRun.objects.create(
            name=name,
            business_date=TODAY,
            trigger=JobTrigger.SCHEDULE,
            outcome=JobOutcome.SUCCEEDED,
            started_at=finished - dt.timedelta(minutes=1),
            finished_at=finished,
        )
    watch()
    watch()
    assert [m.subject for m in mail.outbox] == [f"The backup “{BACKUP_JOBS[0]}” is out of date"]
    assert len(told(people.gm)) == 1


def test_no_backup_incident_while_backups_are_off_and_never_ran(operators, people):
    watch()
    assert mail.outbox == [] and told(people.gm) == []


def test_the_calendar_end_is_mailed_to_the_operators_once(operators, people):
    CalendarYear.objects.filter(year=2027).delete()  # the calendar ends on 31 December
    watch()
    watch()
    assert len(mail.outbox) == 1 and "trading calendar ends" in mail.outbox[0].subject
    # The general managers hear of it from the calendar watch job, not twice from here.
    assert told(people.gm) == []


def test_without_operators_only_the_gm_is_told(operators, people, settings):
    settings.OPERATOR_EMAILS = []
    failed_run("revisits.plan", branch=people.branch)
    watch()
    assert mail.outbox == [] and len(told(people.gm)) == 1


def test_a_mail_server_that_refuses_is_tried_again_next_time(operators, people, settings):
    failed_run("revisits.plan", branch=people.branch)
    settings.EMAIL_BACKEND = "tests.operations.test_alerts.RefusingBackend"
    watch()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    watch()
    assert len(mail.outbox) == 1 and len(told(people.gm)) == 1


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")
