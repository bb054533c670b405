"""The jobs pages speak the reader's language: each job has a title beside its stable name,
and each count a run keeps is shown under its label with thousands separators, never as the
raw key a service returned."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from jobs.models import JobOutcome, JobRun, JobTrigger
from jobs.registry import job_get, job_run, job_specs
from retention.models import RiskRule
from revisits.models import Reason, RevisitTask
from tests.builders import (
    at,
    deferred,
    departed,
    make_commitment,
    page,
    ready_to_close,
    to_awaiting_approval,
)

D = dt.date
TODAY = D(2026, 11, 25)


def test_every_registered_job_has_a_title_of_its_own(db):
    specs = job_specs()

    assert specs
    for spec in specs:
        assert str(spec.title).strip(), spec.name
        assert str(spec.title) != spec.name


def test_every_declared_figure_has_a_label(db):
    for spec in job_specs():
        for key in spec.figures:
            label = spec.figure_label(key)
            # A PerChoice is declared under its prefix: its keys are prefix.<value>.
            assert label is None or label.strip(), (spec.name, key)


def test_a_dynamic_key_takes_its_label_from_the_models_choices(db):
    plan, scan = job_get("revisits.plan"), job_get("retention.at_risk_scan")

    assert plan.figure_label("planned.left_first") == (f"Planned ({Reason.LEFT_FIRST.label})")
    assert scan.figure_label(f"flagged.{RiskRule.ASSETS_DROP}") == (
        f"Customers flagged ({RiskRule.ASSETS_DROP.label})"
    )
    # A value the choices do not know is no figure of theirs.
    assert plan.figure_label("planned.no_such_reason") is None


def test_counts_are_shown_labelled_grouped_and_in_declared_order_unknown_keys_as_they_are(db):
    spec = job_get("archives.file_day")

    shown = spec.figures_shown({"surprise": 5, "filed": 1234567, "ended": 2})

    assert shown == [("Requests ended", "2"), ("Filed", "1,234,567"), ("surprise", "5")]


def test_the_month_a_report_is_about_reads_as_a_month_not_a_grouped_count(db):
    shown = job_get("retention.monthly_report").figures_shown({"prepared": 1, "month": 202610})

    assert ("Month", "2026-10") in shown


@pytest.fixture
def busy_branch(people, frozen_now):
    """Something for every job to count: a departure this week, a deferral, an overdue
    promise, a revisit already late, a fund account ready to close, a request left waiting
    since last week and a customer waiting at the counter today."""
    at(frozen_now, D(2026, 11, 18))
    to_awaiting_approval(people, people.customer())
    at(frozen_now, TODAY, 9)
    to_awaiting_approval(people, people.customer())
    departed(people, people.customer("important"), on=D(2026, 11, 23))
    deferred(people, people.customer(), on=D(2026, 11, 20), follow_up_on=D(2026, 12, 18))
    make_commitment(people, people.customer(), due_on=D(2026, 11, 20))
    RevisitTask.objects.create(
        branch=people.branch,
        customer=people.customer(),
        reason=Reason.FOLLOW_UP,
        due_on=D(2026, 11, 20),
        owner=people.am,
    )
    ready_to_close(people)
    return people


def test_every_key_a_job_returns_on_a_busy_day_has_a_label(busy_branch, frozen_now):
    at(frozen_now, TODAY, 16)  # after the close: the day's papers may be filed (Art. 15)
    unlabelled = {}
    for spec in job_specs():
        run = job_run(
            name=spec.name,
            business_date=TODAY,
            trigger=JobTrigger.COMMAND,
            branch=busy_branch.branch if spec.per_branch else None,
        )
        assert run.outcome in (JobOutcome.SUCCEEDED, JobOutcome.SKIPPED), (spec.name, run.message)
        missing = [key for key in run.counts if spec.figure_label(key) is None]
        if missing:
            unlabelled[spec.name] = missing

    assert unlabelled == {}
    # The world did make the jobs count something, so the check above looked at keys.
    assert sum(len(run.counts) for run in JobRun.objects.all()) > 20


def test_the_chinese_jobs_pages_show_labels_not_raw_keys(busy_branch, client, settings):
    run = job_run(
        name="revisits.plan",
        business_date=TODAY,
        trigger=JobTrigger.COMMAND,
        branch=busy_branch.branch,
    )
    assert "planned.left_first" in run.counts
    settings.LANGUAGE_CODE = "zh-hans"  # the product's default; the test settings read English
    client.force_login(busy_branch.gm)

    detail = page(client.get(reverse("job_run_detail", args=[run.pk])))
    listing = page(client.get(reverse("job_list")))
    with translation.override("zh-hans"):
        # The Chinese catalogue is filled after merging: until then the job's own words read
        # in English (the reasons' already in Chinese); the raw key must never show.
        label = job_get("revisits.plan").figure_label("planned.left_first")
        title = str(job_get("revisits.plan").title)

    assert '<html lang="zh-hans">' in detail
    assert Reason.LEFT_FIRST.value not in label

    for text in (detail, listing):
        assert label in text
        assert title in text
        assert "planned.left_first" not in text
        assert "waiting_for_calendar" not in text


def test_the_run_now_form_offers_the_jobs_by_title(people, client):
    client.force_login(people.gm)

    form = client.get(reverse("job_list")).context["run_form"]

    labels = dict(form.fields["name"].choices)
    assert labels["revisits.plan"] == f"{job_get('revisits.plan').title} (revisits.plan)"
