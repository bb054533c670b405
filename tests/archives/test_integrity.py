"""The integrity job hashes every file again, counts the files that no record references, and
tells the archivist and the general manager about anything changed, missing or unreferenced."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from archives.models import IntegrityCheck, IntegrityFinding, IntegrityProblem
from archives.services import archive_integrity_check
from jobs.models import JobOutcome
from jobs.registry import job_run, job_time_limit
from notifications.models import Notification
from tests.builders import TODAY, filed_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_storage(settings):
    """A storage of the test's own: the files other tests left behind (their rows rolled
    back with the test) would be counted as unreferenced."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def flip_one_byte(name: str) -> None:
    with default_storage.open(name, "rb") as fh:
        data = bytearray(fh.read())
    data[len(data) // 2] ^= 0x01
    default_storage.delete(name)
    default_storage.save(name, ContentFile(bytes(data)))


def test_intact_files_pass_and_nobody_is_bothered(arch):
    filed_record(arch, files=2)
    counts = archive_integrity_check(branch=arch.branch, business_date=TODAY)
    assert counts == {"checked": 2, "intact": 2, "changed": 0, "missing": 0, "unreferenced": 0}
    assert not Notification.objects.exists()


def test_the_integrity_job_catches_a_changed_byte(arch):
    record = filed_record(arch, files=2)
    changed = record.documents.first()
    flip_one_byte(changed.file.name)

    counts = archive_integrity_check(branch=arch.branch, business_date=TODAY)

    assert counts == {"checked": 2, "intact": 1, "changed": 1, "missing": 0, "unreferenced": 0}
    finding = IntegrityFinding.objects.get()
    assert (finding.document, finding.problem) == (changed, IntegrityProblem.MISMATCH)
    assert finding.expected_sha256 == changed.sha256 != finding.found_sha256


def test_the_integrity_job_catches_a_missing_file(arch):
    record = filed_record(arch)
    default_storage.delete(record.documents.get().file.name)

    counts = archive_integrity_check(branch=arch.branch, business_date=TODAY)

    assert counts["missing"] == 1
    assert IntegrityFinding.objects.get().problem == IntegrityProblem.MISSING


def test_problems_go_to_the_archivists_and_the_general_manager_once(arch):
    record = filed_record(arch)
    default_storage.delete(record.documents.get().file.name)

    archive_integrity_check(branch=arch.branch, business_date=TODAY)
    archive_integrity_check(branch=arch.branch, business_date=TODAY)

    told = sorted(Notification.objects.values_list("recipient_id", flat=True))
    assert told == sorted([arch.archivist.pk, arch.archivist2.pk, arch.gm.pk])
    assert "missing" in Notification.objects.first().subject


def test_a_rerun_replaces_the_days_result(arch):
    record = filed_record(arch)
    name = record.documents.get().file.name
    with default_storage.open(name, "rb") as fh:
        original = fh.read()
    default_storage.delete(name)
    archive_integrity_check(branch=arch.branch, business_date=TODAY)
    default_storage.save(name, ContentFile(original))  # restored from the backup

    archive_integrity_check(branch=arch.branch, business_date=TODAY)

    check = IntegrityCheck.objects.get()
    assert (check.checked, check.intact, check.missing) == (1, 1, 0)
    assert not check.findings.exists()


def test_the_integrity_job_runs_every_day_and_expires_grants(arch):
    filed_record(arch)

    run = job_run(
        name="archives.integrity_check",
        business_date=dt.date(2026, 11, 29),  # a Sunday
        trigger="command",
        branch=arch.branch,
    )
    assert run.outcome == JobOutcome.SUCCEEDED
    assert run.counts == {
        "checked": 1,
        "intact": 1,
        "changed": 0,
        "missing": 0,
        "unreferenced": 0,
        "grants_expired": 0,
    }


def _leave_behind(arch, name="orphan.pdf"):
    """A file written for a filing whose process was killed before its transaction ended."""
    return default_storage.save(
        f"archives/{arch.branch.code}/2026/11/{name}", ContentFile(b"%PDF-")
    )


def test_a_file_no_record_references_is_counted_and_reported(arch, frozen_now):
    filed_record(arch)
    orphan = _leave_behind(arch)
    frozen_now.shift(job_time_limit() + dt.timedelta(minutes=1))

    counts = archive_integrity_check(branch=arch.branch, business_date=TODAY)

    assert (counts["checked"], counts["intact"], counts["unreferenced"]) == (1, 1, 1)
    check = IntegrityCheck.objects.get()
    assert check.orphaned == 1 and check.problems == 1
    finding = IntegrityFinding.objects.get()
    assert (finding.document, finding.file_name) == (None, orphan)
    assert finding.problem == IntegrityProblem.ORPHAN
    told = Notification.objects.filter(recipient=arch.gm).get()
    assert "1 unreferenced" in told.subject and orphan in told.body


def test_the_integrity_page_lists_an_unreferenced_file(arch, client, frozen_now):
    orphan = _leave_behind(arch)
    frozen_now.shift(job_time_limit() + dt.timedelta(minutes=1))
    archive_integrity_check(branch=arch.branch, business_date=TODAY)
    client.force_login(arch.archivist)

    page = client.get(reverse("archives:integrity_detail", args=[IntegrityCheck.objects.get().pk]))
    listing = client.get(reverse("archives:integrity_list"))

    assert page.status_code == 200 and orphan in page.content.decode()
    assert listing.status_code == 200


def test_a_file_of_a_filing_still_under_way_is_not_counted(arch):
    _leave_behind(arch)  # just written: its transaction may still commit

    counts = archive_integrity_check(branch=arch.branch, business_date=TODAY)

    assert counts["unreferenced"] == 0


def test_another_branchs_files_are_not_this_branchs_orphans(arch, other, frozen_now):
    _leave_behind(other)
    frozen_now.shift(job_time_limit() + dt.timedelta(minutes=1))

    assert archive_integrity_check(branch=arch.branch, business_date=TODAY)["unreferenced"] == 0
