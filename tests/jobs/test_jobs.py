"""The scheduled-job framework: every run is recorded — succeeded, skipped on a closed day,
failed with its reason and its partial work rolled back — a job can be re-run for any date
from the command line or the general manager's page, and the schedule (Celery beat, or the
in-process scheduler without Redis) runs each job once."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from branch_ops.celery import app as celery_app
from jobs import registry as framework
from jobs.models import JobOutcome, JobRun, JobTrigger
from jobs.registry import job_enqueue, job_run, job_run_all, schedule_due, schedule_run_due
from jobs.tasks import run_job, run_scheduled_job
from kernel.errors import ApplicationError
from notifications.models import Notification
from revisits.models import Reason, RevisitTask
from tests.accounts.factories import StaffFactory
from tests.builders import departed

BEIJING = ZoneInfo("Asia/Shanghai")
D = dt.date
TODAY = D(2026, 11, 25)


@pytest.fixture
def eager_celery():
    """The page's "run now" queues a Celery task; run it in-process even where the suite
    runs with REDIS_URL set (the CI's second pass)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def left_this_week(people):
    customer = people.customer("important")
    departed(people, customer, on=D(2026, 11, 23))
    return customer


def plan(people, day=TODAY, **kwargs):
    return job_run(
        name="revisits.plan",
        business_date=day,
        trigger=JobTrigger.COMMAND,
        branch=people.branch,
        **kwargs,
    )


# --- the record of a run -----------------------------------------------------------------


def test_a_run_is_recorded_with_its_counts(people):
    left_this_week(people)

    run = plan(people)

    run.refresh_from_db()
    assert run.outcome == JobOutcome.SUCCEEDED
    assert run.counts["planned.left_first"] == 1
    assert run.started_at <= run.finished_at
    assert run.branch == people.branch and run.trigger == JobTrigger.COMMAND


def test_running_a_job_twice_gives_the_same_result(people):
    customer = left_this_week(people)

    first, second = plan(people), plan(people)

    assert first.outcome == second.outcome == JobOutcome.SUCCEEDED
    assert not any(key.startswith("planned.") for key in second.counts)
    assert RevisitTask.objects.filter(customer=customer, reason=Reason.LEFT_FIRST).count() == 1


def test_a_trading_day_job_on_an_exchange_holiday_is_skipped_on_record(people):
    customer = people.customer()
    RevisitTask.objects.create(
        branch=people.branch, customer=customer, reason=Reason.FOLLOW_UP, due_on=D(2026, 9, 30)
    )

    run = job_run(
        name="revisits.remind",
        business_date=D(2026, 10, 1),
        trigger=JobTrigger.COMMAND,
        branch=people.branch,
    )

    assert run.outcome == JobOutcome.SKIPPED
    assert "2026-10-01" in run.message
    assert not Notification.objects.exists()


def test_planning_runs_on_a_weekend_too(people):
    customer = people.customer("important")
    departed(people, customer, on=D(2026, 11, 27))  # a Friday

    run = plan(people, D(2026, 11, 28))

    assert run.outcome == JobOutcome.SUCCEEDED
    assert RevisitTask.objects.get(customer=customer, reason=Reason.LEFT_FIRST).due_on == D(
        2026, 11, 27
    )


def test_a_job_for_a_year_the_calendar_does_not_know_fails_with_the_reason(people):
    run = plan(people, D(2027, 1, 5))

    assert run.outcome == JobOutcome.FAILED
    assert "2027" in run.message
    assert run.finished_at is not None


def test_a_failed_job_records_the_failure_and_leaves_no_partial_data(people, monkeypatch):
    from revisits.services import planning

    left_this_week(people)
    write = planning._Plan.write

    def broken(plan, counts):
        write(plan, counts)  # the tasks are in the table when the job breaks
        raise RuntimeError("the core system went away")

    monkeypatch.setattr(planning._Plan, "write", broken)

    run = plan(people)

    assert run.outcome == JobOutcome.FAILED
    assert run.message == "RuntimeError: the core system went away"
    assert run.counts == {}
    assert not RevisitTask.objects.exists()
    assert JobRun.objects.get(pk=run.pk).outcome == JobOutcome.FAILED


def test_one_branch_failing_does_not_undo_another(people, other_branch, monkeypatch):
    from revisits.services import planning

    left_this_week(people)
    left_this_week(other_branch)
    real = planning._plan_commitments

    def broken_for_bj02(plan, *args):
        if plan.branch.code == "BJ02":
            raise RuntimeError("boom")
        return real(plan, *args)

    monkeypatch.setattr(planning, "_plan_commitments", broken_for_bj02)

    runs = job_run_all(name="revisits.plan", business_date=TODAY, trigger=JobTrigger.COMMAND)

    assert {r.branch.code: r.outcome for r in runs} == {
        "SH01": JobOutcome.SUCCEEDED,
        "BJ02": JobOutcome.FAILED,
    }
    assert RevisitTask.objects.filter(branch=people.branch).exists()
    assert not RevisitTask.objects.filter(branch=other_branch.branch).exists()


def test_an_unknown_job_is_refused_by_name(people):
    with pytest.raises(ApplicationError) as refusal:
        job_run(name="no.such.job", business_date=TODAY, trigger=JobTrigger.COMMAND)
    assert refusal.value.code == "unknown_job"


def test_a_run_left_running_by_a_killed_worker_is_marked_abandoned(people):
    stale = JobRun.objects.create(
        name="revisits.plan",
        business_date=TODAY,
        branch=people.branch,
        trigger=JobTrigger.SCHEDULE,
        outcome=JobOutcome.RUNNING,
        started_at=timezone.now() - dt.timedelta(hours=2),
    )

    plan(people)

    stale.refresh_from_db()
    assert stale.outcome == JobOutcome.ABANDONED
    assert stale.finished_at is not None


def test_progress_is_reported_while_the_job_runs(people):
    seen = []

    plan(people, progress=lambda done, total: seen.append((done, total)))

    assert seen[-1][0] == seen[-1][1]
    assert len(seen) >= 2


def test_job_description_reads_in_the_users_language(db):
    spec = framework.job_get("revisits.plan")
    assert str(spec.description)


# --- escalations through the jobs --------------------------------------------------------


def test_late_promises_reach_the_marketing_director_through_their_job(people):
    from retention.models import Commitment

    commitment = Commitment.objects.create(
        branch=people.branch,
        customer=people.customer(),
        what="升级交易软件",
        owner=people.am,
        due_on=D(2026, 11, 20),
        created_by=people.clerk,
    )

    run = job_run(
        name="retention.commitments_escalate",
        business_date=TODAY,
        trigger=JobTrigger.COMMAND,
        branch=people.branch,
    )
    job_run(
        name="retention.commitments_escalate",
        business_date=TODAY,
        trigger=JobTrigger.COMMAND,
        branch=people.branch,
    )

    assert run.outcome == JobOutcome.SUCCEEDED and run.counts == {"escalated": 1}
    notes = Notification.objects.filter(recipient=people.md)
    assert notes.count() == 1
    assert commitment.due_on.isoformat() in notes.get().subject


def test_monthly_report_is_scheduled_on_the_first_trading_day_after_national_day(people):
    from retention.jobs import first_trading_day_of_month
    from retention.models import MonthlyReport

    calendar = framework.TradingCalendar()
    # October 2026 opens with the National Day holiday: the first trading day is the 8th.
    assert first_trading_day_of_month(D(2026, 10, 8), calendar)
    assert not first_trading_day_of_month(D(2026, 10, 9), calendar)
    assert first_trading_day_of_month(D(2026, 2, 2), calendar)

    run = job_run(
        name="retention.monthly_report",
        business_date=D(2026, 10, 8),
        trigger=JobTrigger.COMMAND,
        branch=people.branch,
    )

    assert run.outcome == JobOutcome.SUCCEEDED
    assert MonthlyReport.objects.filter(branch=people.branch, month=D(2026, 9, 1)).exists()


# --- manage.py run_job -------------------------------------------------------------------


def test_run_job_command_runs_a_job_for_a_date(people):
    customer = left_this_week(people)
    out, err = io.StringIO(), io.StringIO()

    call_command("run_job", "revisits.plan", "--date", "2026-11-25", stdout=out, stderr=err)

    run = JobRun.objects.get(name="revisits.plan")
    assert run.business_date == TODAY and run.trigger == JobTrigger.COMMAND
    assert run.outcome == JobOutcome.SUCCEEDED
    assert "succeeded" in out.getvalue()
    assert RevisitTask.objects.filter(customer=customer).exists()


def test_run_job_command_for_one_branch(people, other_branch):
    call_command(
        "run_job",
        "revisits.plan",
        "--date",
        "2026-11-25",
        "--branch",
        "BJ02",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert [r.branch.code for r in JobRun.objects.all()] == ["BJ02"]


def test_run_job_command_lists_the_jobs(db):
    out = io.StringIO()
    call_command("run_job", "--list", stdout=out)
    listed = out.getvalue()
    for name in ("revisits.plan", "revisits.remind", "transfers.closure_sweep"):
        assert name in listed


def test_run_job_command_fails_loudly_for_a_failed_run_or_unknown_job(people):
    with pytest.raises(CommandError, match="failed"):
        call_command(
            "run_job",
            "revisits.plan",
            "--date",
            "2027-01-05",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    with pytest.raises(CommandError):
        call_command("run_job", "no.such.job", stdout=io.StringIO(), stderr=io.StringIO())


# --- the schedule ------------------------------------------------------------------------


def test_every_beat_entry_names_a_registered_job_and_task_in_beijing_time(db):
    names = set(framework.job_names())
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["args"][0] in names
        assert entry["task"] in celery_app.tasks


def test_celery_tasks_are_json_only_with_late_acks_and_time_limits():
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    for task in (run_job, run_scheduled_job):
        assert task.acks_late and task.reject_on_worker_lost
        assert 0 < task.soft_time_limit < task.time_limit


def at(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def test_schedule_due_at_ten_on_a_trading_morning():
    due = {name for name, _when in schedule_due(now=at(2026, 11, 25, 10))}
    assert {"revisits.plan", "revisits.remind", "transfers.closure_sweep"} <= due
    assert "retention.at_risk_scan" not in due  # 19:00
    assert "retention.monthly_report" not in due  # only days 1–12


def test_in_process_scheduler_runs_each_due_job_once_a_day(people):
    left_this_week(people)

    first = schedule_run_due(now=at(2026, 11, 25, 10))
    second = schedule_run_due(now=at(2026, 11, 25, 10, 1))

    assert {r.name for r in first} >= {"revisits.plan", "revisits.remind"}
    assert all(r.outcome == JobOutcome.SUCCEEDED for r in first), [
        (r.name, r.message) for r in first
    ]
    assert second == []
    # After the close the planner's second entry fires: once more, and only it (besides the
    # entries that fire every few minutes: the check of customers waiting at the counter, the
    # scheduler's heartbeat and the operators' watch).
    every_few_minutes = {
        "transfers.customer_waiting_check",
        "branch_ops.heartbeat",
        "operations.watch",
    }
    later = schedule_run_due(now=at(2026, 11, 25, 15, 31))
    assert [r.name for r in later if r.name not in every_few_minutes] == ["revisits.plan"]


def test_in_process_scheduler_on_a_holiday_records_skipped_runs(people):
    runs = schedule_run_due(now=at(2026, 10, 1, 10))

    about_trading_days = [r for r in runs if framework.job_get(r.name).trading_days_only]
    assert "revisits.remind" in {r.name for r in about_trading_days}
    assert {r.outcome for r in about_trading_days} == {JobOutcome.SKIPPED}
    assert not RevisitTask.objects.exists()


def test_run_scheduler_command_makes_one_pass(people, frozen_now):
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert JobRun.objects.filter(trigger=JobTrigger.SCHEDULE, name="revisits.plan").exists()
    assert "revisits.plan" in out.getvalue()


def test_beat_task_on_a_day_off_the_monthly_schedule_does_nothing(people, frozen_now):
    frozen_now.move_to(at(2026, 10, 9, 7))
    assert run_scheduled_job.apply(args=("retention.monthly_report",)).get() == []
    assert not JobRun.objects.exists()


def test_beat_task_runs_the_job_for_today_in_every_branch(people, other_branch):
    result = run_scheduled_job.apply(args=("revisits.plan",)).get()

    assert sorted(r["branch"] for r in result) == sorted([people.branch.pk, other_branch.branch.pk])
    assert {r["business_date"] for r in result} == {"2026-11-25"}
    assert {r["outcome"] for r in result} == {"succeeded"}


# --- the general manager's page ----------------------------------------------------------


def test_only_the_general_manager_runs_a_job_by_hand(people):
    with pytest.raises(ApplicationError) as refusal:
        job_enqueue(name="revisits.plan", business_date=TODAY, actor=people.md)
    assert refusal.value.code == "forbidden"


def test_general_manager_runs_a_job_now_and_sees_its_outcome(
    people, client, eager_celery, django_capture_on_commit_callbacks
):
    left_this_week(people)
    client.force_login(people.gm)

    # The task is queued when the request's transaction commits; without Redis it runs then.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("job_run_now"), {"name": "revisits.plan", "business_date": "2026-11-25"}
        )

    run = JobRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_run_detail", args=[run.pk])
    assert run.outcome == JobOutcome.SUCCEEDED
    assert run.trigger == JobTrigger.PAGE and run.triggered_by == people.gm
    assert run.branch == people.branch
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f"Planned ({Reason.LEFT_FIRST.label})" in page.content.decode()


def test_jobs_page_lists_this_branchs_runs_filtered_by_job_and_date(people, other_branch, client):
    plan(people)
    plan(people, D(2026, 11, 24))
    job_run(name="revisits.remind", business_date=TODAY, trigger="command", branch=people.branch)
    theirs = plan(other_branch)
    client.force_login(people.gm)

    everything = client.get(reverse("job_list"))
    filtered = client.get(
        reverse("job_list"), {"name": "revisits.plan", "business_date": "2026-11-24"}
    )

    assert everything.status_code == 200
    assert len(everything.context["page"].object_list) == 3
    assert theirs not in everything.context["page"].object_list
    [only] = filtered.context["page"].object_list
    assert only.business_date == D(2026, 11, 24)
    assert client.get(reverse("job_run_detail", args=[theirs.pk])).status_code == 404


def test_auditor_reads_the_runs_but_cannot_run_one(people, client):
    plan(people)
    client.force_login(people.auditor)

    page = client.get(reverse("job_list"))
    post = client.post(
        reverse("job_run_now"), {"name": "revisits.plan", "business_date": "2026-11-25"}
    )

    assert page.status_code == 200 and page.context["run_form"] is None
    assert post.status_code == 403
    assert JobRun.objects.count() == 1


@pytest.mark.parametrize(
    "role", [Role.COUNTER_CLERK, Role.ACCOUNT_MANAGER, Role.MARKETING_DIRECTOR, Role.ARCHIVIST]
)
def test_jobs_page_is_closed_to_other_roles(people, client, role):
    client.force_login(StaffFactory(branch=people.branch, roles=[role]))
    assert client.get(reverse("job_list")).status_code == 403


def test_run_now_for_an_unknown_date_shows_the_failure_on_the_run(
    people, client, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(people.gm)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("job_run_now"), {"name": "revisits.plan", "business_date": "2027-03-01"}
        )

    run = JobRun.objects.get()
    assert run.outcome == JobOutcome.FAILED
    page = client.get(response["Location"])
    assert "2027" in page.content.decode()
