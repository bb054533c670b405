"""A file is stored before the rows that reference it; when those rows roll back, the file
goes too, so nothing is left on disk that no record references: a filing job that fails
after filing, one request whose filing fails, a scan refused after it was written."""

import pytest
from django.core.files.storage import default_storage

from archives import jobs as archive_jobs
from archives.models import ArchiveDocument, ArchiveRecord, Category, Medium
from archives.services import archive_document_upload, archive_record_file, filing
from archives.services.storage import files_under
from jobs.models import JobOutcome
from jobs.registry import job_run
from kernel.errors import ApplicationError
from tests.builders import AFTER_CLOSE, TODAY, pdf_bytes, to_completed, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_storage(settings):
    """A storage of the test's own, so that what is on it is this test's doing."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def stored(arch) -> list[str]:
    return list(files_under(arch.branch.code))


def file_day(arch):
    return job_run(
        name="archives.file_day", business_date=TODAY, trigger="command", branch=arch.branch
    )


def test_a_filing_job_that_fails_after_filing_leaves_no_pdf_behind(arch, frozen_now, monkeypatch):
    to_completed(arch.people, arch.customer("ordinary"))
    frozen_now.move_to(AFTER_CLOSE)
    real = archive_jobs.archive_file_day
    written = []

    def files_then_fails(**kwargs):
        real(**kwargs)
        written.extend(stored(arch))
        raise RuntimeError("the database went away")

    monkeypatch.setattr(archive_jobs, "archive_file_day", files_then_fails)

    run = file_day(arch)

    assert run.outcome == JobOutcome.FAILED
    assert written, "the filing wrote its PDFs before the job failed"
    assert not ArchiveRecord.objects.exists()
    assert stored(arch) == []


def test_a_filing_job_that_commits_keeps_every_pdf_it_references(arch, frozen_now):
    to_completed(arch.people, arch.customer("ordinary"))
    frozen_now.move_to(AFTER_CLOSE)

    run = file_day(arch)

    assert run.outcome == JobOutcome.SUCCEEDED and run.counts["filed"] == 1
    referenced = sorted(ArchiveDocument.objects.values_list("file", flat=True))
    assert referenced and sorted(stored(arch)) == referenced
    assert all(default_storage.exists(name) for name in referenced)


def test_one_request_whose_filing_fails_leaves_none_of_its_pdfs(arch, frozen_now, monkeypatch):
    to_completed(arch.people, arch.customer("ordinary"))
    frozen_now.move_to(AFTER_CLOSE)

    def numbering_fails(*args, **kwargs):
        raise RuntimeError("no number")

    monkeypatch.setattr(filing, "_number_and_file", numbering_fails)

    run = file_day(arch)

    assert run.outcome == JobOutcome.SUCCEEDED and run.counts["failed"] == 1
    assert stored(arch) == []


def test_a_scan_refused_after_it_was_written_is_removed(arch):
    """The record was filed by someone else between the page's check and the scan's lock."""
    draft = filing.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category=Category.INDIVIDUAL,
        medium=Medium.ELECTRONIC,
        title="个人客户档案",
    )
    archive_document_upload(
        record=draft,
        actor=arch.archivist,
        kind="identity_copy",
        upload=upload("a.pdf", pdf_bytes()),
    )
    archive_record_file(record=ArchiveRecord.objects.get(pk=draft.pk), actor=arch.archivist)
    before = stored(arch)

    with pytest.raises(ApplicationError):
        archive_document_upload(
            record=draft,  # still reads "draft"
            actor=arch.archivist,
            kind="identity_copy",
            upload=upload("late.pdf", pdf_bytes("late")),
        )

    assert len(before) == 1 and stored(arch) == before
