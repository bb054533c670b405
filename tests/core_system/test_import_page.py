"""The customer master's page: upload → preview → apply in the background → the result; the
file kept between preview and apply is encrypted and dropped once it is no longer needed."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Customer
from core_system.models import CustomerImport, ImportState
from core_system.staging import customer_import_upload, staging_sweep
from tests.builders import make_branch
from tests.core_system.test_customer_master import export, line, rid

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    people = make_branch("SZ001")
    people.am.staff_number = "A001"
    people.am.save(update_fields=["staff_number"])
    return people


def upload(client, data: bytes, name: str = "master.csv", **extra):
    return client.post(
        reverse("customer_import_preview"),
        {"file": SimpleUploadedFile(name, data), "full": "0", "encoding": "", **extra},
    )


def stored(record: CustomerImport) -> bytes:
    with default_storage.open(record.staged_name, "rb") as handle:
        return handle.read()


def test_upload_preview_apply_loads_the_customers(
    people, client, django_capture_on_commit_callbacks
):
    client.force_login(people.gm)
    response = upload(client, export(line(1), line(2)))
    assert response.status_code == 302
    record = CustomerImport.objects.get()
    page = client.get(response.url)
    assert page.status_code == 200
    assert b'id="new-customers"' in page.content and b"6600000001" in page.content
    assert b'id="apply"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(reverse("customer_import_apply", args=[record.pk]))
    assert applied.status_code == 302
    record.refresh_from_db()
    assert record.state == ImportState.APPLIED
    assert (
        Customer.objects.filter(branch=people.branch)
        .filter(fund_account__in=["6600000001", "6600000002"])
        .count()
        == 2
    )
    status = client.get(reverse("customer_import_status", args=[record.pk])).json()
    assert status["state"] == "applied" and status["counts"]["new"] == 2
    assert not client.get(reverse("customer_import_detail", args=[record.pk])).context["can"][
        "apply"
    ]


def test_the_kept_file_is_encrypted_and_removed_after_apply(
    people, client, django_capture_on_commit_callbacks
):
    client.force_login(people.gm)
    upload(client, export(line(1)))
    record = CustomerImport.objects.get()
    kept = stored(record)
    assert rid(1).encode() not in kept and b"1380000" not in kept
    assert kept.startswith(b"gAAAA")  # a Fernet token
    name = record.staged_name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("customer_import_apply", args=[record.pk]))
    record.refresh_from_db()
    assert record.staged_name == "" and not default_storage.exists(name)


def test_a_file_with_bad_lines_shows_them_keeps_nothing_and_offers_no_apply(people, client):
    client.force_login(people.gm)
    upload(client, export(line(1), line(2, fund_account="")))
    record = CustomerImport.objects.get()
    assert not record.applicable and record.staged_name == ""
    page = client.get(reverse("customer_import_detail", args=[record.pk]))
    assert b'id="bad-lines"' in page.content
    assert page.context["bad"]["items"][0]["line"] == 4
    assert b'id="apply"' not in page.content


def test_apply_posted_for_a_preview_with_bad_lines_is_refused_with_a_message(people, client):
    client.force_login(people.gm)
    upload(client, export(line(1), line(2, fund_account="")))
    record = CustomerImport.objects.get()
    response = client.post(reverse("customer_import_apply", args=[record.pk]), follow=True)
    assert "cannot be applied" in " ".join(str(m) for m in response.context["messages"])
    record.refresh_from_db()
    assert record.state == ImportState.PREVIEWED
    assert not Customer.objects.filter(fund_account="6600000001").exists()


def test_another_branchs_preview_is_a_404(people, client):
    other = make_branch("SZ002")
    record = customer_import_upload(
        branch=other.branch, actor=other.gm, data=export(line(1), branch="SZ002")
    )
    client.force_login(people.gm)
    for name in ("customer_import_detail", "customer_import_status"):
        assert client.get(reverse(name, args=[record.pk])).status_code == 404
    assert client.post(reverse("customer_import_apply", args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert record.state == ImportState.PREVIEWED


@pytest.mark.parametrize(
    "post, words",
    [
        ({}, "This field is required"),
        ({"file": SimpleUploadedFile("master.pdf", b"%PDF-1.4")}, "CSV or XLSX"),
        ({"file": SimpleUploadedFile("master.csv", b"")}, "empty"),
    ],
)
def test_bad_input_is_a_form_error(people, client, post, words):
    client.force_login(people.gm)
    response = client.post(reverse("customer_import_preview"), {"full": "0", **post})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not CustomerImport.objects.exists()


def test_a_file_over_the_limit_is_a_form_error(people, client, settings):
    settings.CUSTOMER_MASTER_MAX_BYTES = 100
    client.force_login(people.gm)
    response = upload(client, export(line(1), line(2)))
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not CustomerImport.objects.exists()


def test_only_the_general_manager_previews_and_the_auditor_reads(people, client):
    client.force_login(people.auditor)
    assert client.get(reverse("customer_import_home")).context["form"] is None
    assert upload(client, export(line(1))).status_code == 403
    client.force_login(people.md)
    assert client.get(reverse("customer_import_home")).status_code == 403


def test_a_kept_file_past_its_time_is_swept_and_can_no_longer_be_applied(people, client):
    record = customer_import_upload(branch=people.branch, actor=people.gm, data=export(line(1)))
    name = record.staged_name
    assert staging_sweep(now=timezone.now() + dt.timedelta(hours=23))["swept"] == 0
    assert staging_sweep(now=timezone.now() + dt.timedelta(hours=25))["swept"] == 1
    assert not default_storage.exists(name)
    client.force_login(people.gm)
    response = client.post(reverse("customer_import_apply", args=[record.pk]), follow=True)
    assert "no longer kept" in " ".join(str(m) for m in response.context["messages"])
    record.refresh_from_db()
    assert record.state == ImportState.PREVIEWED


def test_the_scheduled_sweep_deletes_a_kept_file_past_its_day(people):
    import time_machine

    from jobs.models import JobOutcome
    from jobs.registry import job_run

    record = customer_import_upload(branch=people.branch, actor=people.gm, data=export(line(1)))
    name = record.staged_name
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        run = job_run(
            name="core_system.staging_sweep", business_date=timezone.localdate(), trigger="command"
        )
    assert run.outcome == JobOutcome.SUCCEEDED, run.message
    assert run.counts["swept"] == 1 and not default_storage.exists(name)
