"""The integrity job hashes every file again and tells the archivist and the general manager
about anything changed or missing."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from archives.models import IntegrityCheck, IntegrityFinding, IntegrityProblem
from archives.services import archive_integrity_check
from jobs.models import JobOutcome
from jobs.registry import job_run
from notifications.models import Notification
from tests.builders import TODAY, filed_record

pytestmark = pytest.mark.django_db


def flip_one_byte(name: str) -> None:
    with default_storage.open(name, "rb") as fh:
        data = bytearray(fh.read())
    data[len(data) // 2] ^= 0x01
    default_storage.delete(name)
    default_storage.save(name, ContentFile(bytes(data)))


def test_intact_files_pass_and_nobody_is_bothered(arch):
    filed_record(arch, files=2)
    counts = archive_integrity_check(branch=arch.branch, business_date=TODAY)
    assert counts == {"checked": 2, "intact": 2, "changed": 0, "missing": 0}
    assert not Notification.objects.exists()


def test_the_integrity_job_catches_a_changed_byte(arch):
    record = filed_record(arch, files=2)
    changed = record.documents.first()
    flip_one_byte(changed.file.name)

    counts = archive_integrity_check(branch=arch.branch, business_date=TODAY)

    assert counts == {"checked": 2, "intact": 1, "changed": 1, "missing": 0}
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
    import datetime as dt

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
        "grants_expired": 0,
    }
