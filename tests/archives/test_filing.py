"""The nightly filing (Art. 15): after the close, every request that ended that trading day
is filed with its papers, exactly once however often it runs."""

import datetime as dt

import pytest
from pypdf import PdfReader

from archives.models import (
    ArchiveDocument,
    ArchiveRecord,
    Category,
    DocumentKind,
    Medium,
    RecordStatus,
)
from archives.selectors import filing_report
from archives.services import archive_file_day, archive_scan_upload
from jobs.models import JobOutcome
from jobs.registry import job_run
from kernel.errors import ApplicationError
from tests.builders import (
    AFTER_CLOSE,
    BEIJING,
    TODAY,
    pdf_bytes,
    set_core_state,
    to_completed,
    to_state,
    upload,
)
from transfers.models import TransferState

pytestmark = pytest.mark.django_db


def ended_requests(arch):
    return {
        "completed": to_completed(arch.people, arch.customer("ordinary")),
        "withdrawn": to_state(arch.people, TransferState.WITHDRAWN),
        "refused": to_state(arch.people, TransferState.REFUSED),
        "deferred": to_state(arch.people, TransferState.DEFERRED),
    }


def test_nightly_filing_files_each_ended_request_exactly_once_also_when_run_twice(arch, frozen_now):
    requests = ended_requests(arch)
    still_open = to_state(arch.people, TransferState.AWAITING_APPROVAL)
    frozen_now.move_to(AFTER_CLOSE)

    first = archive_file_day(branch=arch.branch, business_date=TODAY)
    second = archive_file_day(branch=arch.branch, business_date=TODAY)

    assert first == {"ended": 4, "filed": 4, "already_filed": 0, "failed": 0}
    assert second == {"ended": 4, "filed": 0, "already_filed": 4, "failed": 0}
    for outcome, req in requests.items():
        records = ArchiveRecord.objects.filter(transfer_request=req)
        assert records.count() == 1, outcome
        assert records.get().outcome == outcome
        assert records.get().status == RecordStatus.FILED
    assert not ArchiveRecord.objects.filter(transfer_request=still_open).exists()


def test_filed_records_are_numbered_in_order_by_branch_category_and_year(arch, frozen_now):
    ended_requests(arch)
    frozen_now.move_to(AFTER_CLOSE)
    archive_file_day(branch=arch.branch, business_date=TODAY)

    numbers = list(ArchiveRecord.objects.order_by("sequence").values_list("number", flat=True))
    assert numbers == [f"SH01-TX-2026-{n:06d}" for n in range(1, 5)]


def test_completed_request_is_filed_on_paper_with_its_form_receipt_and_work_memo(arch, frozen_now):
    req = to_completed(arch.people, arch.customer("ordinary"))
    frozen_now.move_to(AFTER_CLOSE)
    archive_file_day(branch=arch.branch, business_date=TODAY)

    record = ArchiveRecord.objects.get(transfer_request=req)
    assert record.category == Category.TRANSACTION
    assert record.medium == Medium.PAPER  # the clerk kept the signed originals (Art. 13)
    kinds = sorted(record.documents.values_list("kind", flat=True))
    # The work memo (Art. 30) is written for every customer who left.
    assert kinds == [DocumentKind.BUSINESS_FORM, DocumentKind.MEMO, DocumentKind.RECEIPT]
    receipt = record.documents.get(kind=DocumentKind.RECEIPT)
    text = PdfReader(receipt.file.open("rb")).pages[0].extract_text()
    assert req.receipt_number in text


def test_refused_request_has_a_business_form_but_no_receipt(arch, frozen_now):
    req = to_state(arch.people, TransferState.REFUSED)
    frozen_now.move_to(AFTER_CLOSE)
    archive_file_day(branch=arch.branch, business_date=TODAY)

    record = ArchiveRecord.objects.get(transfer_request=req)
    assert record.medium == Medium.ELECTRONIC
    assert list(record.documents.values_list("kind", flat=True)) == [DocumentKind.BUSINESS_FORM]


def test_scans_uploaded_during_the_day_are_filed_with_the_request(arch, frozen_now):
    req = to_completed(arch.people, arch.customer("ordinary"))
    archive_scan_upload(
        request=req,
        actor=arch.clerk,
        kind="identity_copy",
        upload=upload("id.pdf", pdf_bytes("身份证复印件")),
    )
    frozen_now.move_to(AFTER_CLOSE)
    archive_file_day(branch=arch.branch, business_date=TODAY)

    record = ArchiveRecord.objects.get(transfer_request=req)
    assert record.status == RecordStatus.FILED
    assert sorted(record.documents.values_list("kind", flat=True)) == [
        DocumentKind.BUSINESS_FORM,
        DocumentKind.IDENTITY_COPY,
        DocumentKind.MEMO,
        DocumentKind.RECEIPT,
    ]


def test_filing_before_the_close_is_refused(arch):
    to_state(arch.people, TransferState.REFUSED)
    with pytest.raises(ApplicationError, match="after the close"):
        archive_file_day(branch=arch.branch, business_date=TODAY)
    assert not ArchiveRecord.objects.exists()


def test_a_request_ended_after_the_close_is_filed_with_the_next_trading_day(arch, frozen_now):
    frozen_now.move_to(dt.datetime(2026, 11, 25, 15, 30, tzinfo=BEIJING))
    req = to_state(arch.people, TransferState.REFUSED)
    frozen_now.move_to(AFTER_CLOSE)
    assert archive_file_day(branch=arch.branch, business_date=TODAY)["ended"] == 0

    frozen_now.move_to(dt.datetime(2026, 11, 26, 16, 0, tzinfo=BEIJING))
    archive_file_day(branch=arch.branch, business_date=dt.date(2026, 11, 26))
    assert ArchiveRecord.objects.get(transfer_request=req).business_date == dt.date(2026, 11, 26)


def test_a_deferred_request_that_later_completes_files_each_ending_once(arch, frozen_now):
    from tests.builders import approvers_for
    from transfers import services as transfers

    req = to_state(arch.people, TransferState.DEFERRED)
    frozen_now.move_to(AFTER_CLOSE)
    archive_file_day(branch=arch.branch, business_date=TODAY)

    frozen_now.move_to(dt.datetime(2026, 11, 26, 10, 0, tzinfo=BEIJING))
    transfers.transfer_resume(request=req, actor=arch.clerk)
    for approver in approvers_for(arch.people, req.customer):
        transfers.transfer_approve(request=req, actor=approver)
    transfers.transfer_customer_stays(request=req, actor=arch.clerk)
    frozen_now.move_to(dt.datetime(2026, 11, 26, 16, 0, tzinfo=BEIJING))
    archive_file_day(branch=arch.branch, business_date=dt.date(2026, 11, 26))
    archive_file_day(branch=arch.branch, business_date=dt.date(2026, 11, 26))

    outcomes = sorted(
        ArchiveRecord.objects.filter(transfer_request=req).values_list("outcome", flat=True)
    )
    assert outcomes == [TransferState.DEFERRED, TransferState.WITHDRAWN]


def test_closing_the_fund_account_starts_twenty_years_of_retention(arch, frozen_now):
    customer = arch.customer("ordinary")
    # Nothing else ties the account (Art. 19), so the closure finishes with the request.
    set_core_state(customer, sz_holdings_in_custody=False, interest_settled=True)
    req = to_completed(
        arch.people,
        customer,
        wants_sz_transfer=True,
        sz_receiving_broker="某某证券",
        sz_receiving_seat="123456",
        wants_sh_revocation=True,
        wants_closure=True,
    )
    frozen_now.move_to(AFTER_CLOSE)
    archive_file_day(branch=arch.branch, business_date=TODAY)

    record = ArchiveRecord.objects.get(transfer_request=req)
    assert record.relationship_ended_on == TODAY
    assert record.retention_until == dt.date(2046, 11, 25)


def test_a_transfer_without_closure_is_kept_until_the_relationship_ends(arch, frozen_now):
    req = to_completed(arch.people, arch.customer("ordinary"))
    frozen_now.move_to(AFTER_CLOSE)
    archive_file_day(branch=arch.branch, business_date=TODAY)

    assert ArchiveRecord.objects.get(transfer_request=req).retention_until is None


def test_the_filing_report_lists_the_days_records_with_counts(arch, frozen_now):
    ended_requests(arch)
    frozen_now.move_to(AFTER_CLOSE)
    before = filing_report(branch=arch.branch, business_date=TODAY)
    archive_file_day(branch=arch.branch, business_date=TODAY)
    report = filing_report(branch=arch.branch, business_date=TODAY)

    assert len(before.unfiled) == 4 and before.records == []
    assert len(report.records) == 4 and report.unfiled == []
    assert report.by_outcome == {"completed": 1, "withdrawn": 1, "refused": 1, "deferred": 1}
    assert report.awaiting_shelving == 1  # the completed request's paper
    assert report.documents == ArchiveDocument.objects.count()


def test_the_filing_runs_as_a_recorded_job_and_skips_closed_days(arch, frozen_now):
    ended_requests(arch)
    frozen_now.move_to(AFTER_CLOSE)
    run = job_run(
        name="archives.file_day", business_date=TODAY, trigger="command", branch=arch.branch
    )
    rerun = job_run(
        name="archives.file_day", business_date=TODAY, trigger="command", branch=arch.branch
    )
    saturday = job_run(
        name="archives.file_day",
        business_date=dt.date(2026, 11, 28),
        trigger="command",
        branch=arch.branch,
    )

    assert run.outcome == JobOutcome.SUCCEEDED and run.counts["filed"] == 4
    assert rerun.outcome == JobOutcome.SUCCEEDED and rerun.counts["already_filed"] == 4
    assert saturday.outcome == JobOutcome.SKIPPED
    assert ArchiveRecord.objects.count() == 4


def test_another_branchs_requests_are_not_filed_with_this_branch(arch, other, frozen_now):
    to_state(other.people, TransferState.REFUSED)
    frozen_now.move_to(AFTER_CLOSE)
    assert archive_file_day(branch=arch.branch, business_date=TODAY)["ended"] == 0


def test_a_deferred_request_is_filed_with_its_work_memo(arch, frozen_now):
    req = to_state(arch.people, TransferState.DEFERRED)
    frozen_now.move_to(AFTER_CLOSE)
    archive_file_day(branch=arch.branch, business_date=TODAY)

    record = ArchiveRecord.objects.get(transfer_request=req)
    assert record.outcome == TransferState.DEFERRED
    assert sorted(record.documents.values_list("kind", flat=True)) == [
        DocumentKind.BUSINESS_FORM,
        DocumentKind.MEMO,
    ]
