"""The nightly filing's papers drawn in worker processes (Art. 15): the same files as drawn in
the job's own process, each ending filed once however often the night runs, and a paper
that cannot be drawn leaves its request unfiled, whole, for the next run."""

import io
import multiprocessing
import os

import pytest
from pypdf import PdfReader

import transfers.pdf
from archives import conf
from archives.models import ArchiveDocument, ArchiveRecord, DocumentKind, RecordStatus
from archives.services import archive_file_day, filing, press
from kernel import pdf
from tests.builders import AFTER_CLOSE, TODAY, to_completed, to_state
from transfers.models import TransferState

pytestmark = pytest.mark.django_db

IN_WORKERS = pytest.param(2, marks=pytest.mark.slow, id="in-worker-processes")
HERE = pytest.param(1, id="in-this-process")


def pages_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def a_day_of_endings(arch):
    return [
        to_completed(arch.people, arch.customer("ordinary")),
        to_completed(arch.people, arch.customer("important")),
        to_state(arch.people, TransferState.WITHDRAWN),
        to_state(arch.people, TransferState.REFUSED),
        to_state(arch.people, TransferState.DEFERRED),
    ]


def filed_documents():
    return sorted(
        ArchiveDocument.objects.filter(record__transfer_request__isnull=False).values_list(
            "record__transfer_request_id", "kind", "sha256"
        )
    )


@pytest.mark.slow
def test_papers_drawn_in_worker_processes_read_as_the_ones_drawn_here(arch, frozen_now, settings):
    requests = a_day_of_endings(arch)
    frozen_now.move_to(AFTER_CLOSE)
    settings.ARCHIVES_FILING_WORKERS = 2

    counts = archive_file_day(branch=arch.branch, business_date=TODAY)

    assert counts == {"ended": 5, "filed": 5, "already_filed": 0, "failed": 0}
    for req in requests:
        record = ArchiveRecord.objects.get(transfer_request=req)
        entry = record.ending_entry
        papers = dict(filing._papers(req, filing.ENDING_ACTIONS[entry.action], entry.action))
        assert sorted(record.documents.values_list("kind", flat=True)) == sorted(papers)
        for document in record.documents.all():
            drawn_here = pdf.paper_render(papers[document.kind])
            with document.file.open("rb") as stored:
                assert pages_of(stored.read()) == pages_of(drawn_here), document.kind
    receipts = ArchiveDocument.objects.filter(kind=DocumentKind.RECEIPT)
    assert receipts.count() == 2  # the two completed requests'


@pytest.mark.parametrize("workers", [HERE, IN_WORKERS])
def test_each_ending_is_filed_once_however_often_the_night_runs(
    arch, frozen_now, settings, workers
):
    a_day_of_endings(arch)
    frozen_now.move_to(AFTER_CLOSE)
    settings.ARCHIVES_FILING_WORKERS = workers

    first = archive_file_day(branch=arch.branch, business_date=TODAY)
    documents = filed_documents()
    second = archive_file_day(branch=arch.branch, business_date=TODAY)

    assert first == {"ended": 5, "filed": 5, "already_filed": 0, "failed": 0}
    assert second == {"ended": 5, "filed": 0, "already_filed": 5, "failed": 0}
    assert filed_documents() == documents
    numbers = list(ArchiveRecord.objects.order_by("sequence").values_list("number", flat=True))
    assert numbers == [f"SH01-TX-2026-{n:06d}" for n in range(1, 6)]


@pytest.mark.parametrize("workers", [HERE, IN_WORKERS])
def test_a_paper_that_cannot_be_drawn_leaves_its_request_unfiled_and_a_rerun_files_it(
    arch, frozen_now, settings, monkeypatch, workers
):
    requests = a_day_of_endings(arch)
    broken = requests[1]
    frozen_now.move_to(AFTER_CLOSE)
    settings.ARCHIVES_FILING_WORKERS = workers
    real = transfers.pdf.business_form_paper

    def unclosed_markup(req, *, printed_by):
        paper = real(req, printed_by=printed_by)
        if req.pk != broken.pk:
            return paper
        # Drawing fails where it is drawn: in a worker when there are workers.
        return pdf.paper([*paper.blocks, pdf.text("<b>unclosed")], title=paper.title)

    monkeypatch.setattr(transfers.pdf, "business_form_paper", unclosed_markup)
    counts = archive_file_day(branch=arch.branch, business_date=TODAY)

    assert counts == {"ended": 5, "filed": 4, "already_filed": 0, "failed": 1}
    assert not ArchiveRecord.objects.filter(transfer_request=broken).exists()
    assert not ArchiveDocument.objects.filter(record__transfer_request=broken).exists()
    assert ArchiveRecord.objects.filter(status=RecordStatus.FILED).count() == 4

    monkeypatch.setattr(transfers.pdf, "business_form_paper", real)
    again = archive_file_day(branch=arch.branch, business_date=TODAY)

    assert again == {"ended": 5, "filed": 1, "already_filed": 4, "failed": 0}
    record = ArchiveRecord.objects.get(transfer_request=broken)
    assert record.status == RecordStatus.FILED
    assert sorted(record.documents.values_list("kind", flat=True)) == [
        DocumentKind.BUSINESS_FORM,
        DocumentKind.MEMO,
        DocumentKind.RECEIPT,
    ]
    assert ArchiveRecord.objects.count() == 5


def test_the_night_reports_how_far_it_has_come(arch, frozen_now):
    a_day_of_endings(arch)
    frozen_now.move_to(AFTER_CLOSE)
    reported: list[tuple[int, int | None]] = []

    archive_file_day(
        branch=arch.branch,
        business_date=TODAY,
        progress=lambda done, total: reported.append((done, total)),
    )

    assert reported[-1] == (5, 5)
    assert [done for done, _total in reported] == sorted(done for done, _total in reported)


def test_the_papers_are_drawn_by_one_process_per_cpu_unless_the_settings_say(settings, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    del settings.ARCHIVES_FILING_WORKERS
    assert conf.filing_workers() == 6
    settings.ARCHIVES_FILING_WORKERS = 3
    assert conf.filing_workers() == 3


@pytest.mark.slow
def test_a_celery_workers_daemonic_process_still_draws_in_worker_processes(monkeypatch):
    # The scheduled jobs run in a Celery worker's pool process, which is daemonic.
    monkeypatch.setitem(multiprocessing.current_process()._config, "daemon", True)

    with press.paper_press(workers=2, papers=10) as drawer:
        drawer_pid = drawer.submit(os.getpid).result()

    assert drawer_pid != os.getpid()
    assert multiprocessing.current_process().daemon  # as it was
