"""Records Art. 6(3): nothing in a filed record is altered — not through the services, not
through the ORM."""

import pytest

from archives import services
from archives.models import ArchiveDocument, ArchiveRecord, Medium, RecordStatus
from kernel.errors import ApplicationError
from tests.builders import filed_record, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def test_filed_record_cannot_be_changed_through_the_orm(arch):
    record = filed_record(arch)
    record.title = "改过的标题"
    with pytest.raises(ApplicationError, match="cannot be changed"):
        record.save()
    with pytest.raises(ApplicationError):
        record.save(update_fields=["title"])
    with pytest.raises(ApplicationError):
        ArchiveRecord.objects.filter(pk=record.pk).update(title="x")
    assert ArchiveRecord.objects.get(pk=record.pk).title == "个人客户档案"


def test_filed_record_cannot_be_deleted(arch):
    record = filed_record(arch)
    with pytest.raises(ApplicationError):
        record.delete()
    with pytest.raises(ApplicationError):
        ArchiveRecord.objects.filter(pk=record.pk).delete()
    assert ArchiveRecord.objects.filter(pk=record.pk).exists()


def test_no_document_is_added_to_changed_in_or_removed_from_a_filed_record(arch):
    record = filed_record(arch)
    document = record.documents.get()

    with pytest.raises(ApplicationError, match="read-only"):
        services.archive_document_upload(
            record=record, actor=arch.archivist, kind="other", upload=upload("x.pdf", pdf_bytes())
        )
    with pytest.raises(ApplicationError, match="read-only"):
        services.archive_document_remove(document=document, actor=arch.archivist)
    document.sha256 = "0" * 64
    with pytest.raises(ApplicationError):
        document.save()
    with pytest.raises(ApplicationError):
        ArchiveDocument.objects.filter(pk=document.pk).update(sha256="0" * 64)
    with pytest.raises(ApplicationError):
        ArchiveDocument.objects.create(
            record=record,
            kind="other",
            file="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
    assert record.documents.count() == 1


def test_a_draft_can_still_be_corrected_before_filing(arch):
    record = services.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category="individual",
        medium=Medium.ELECTRONIC,
        title="草稿",
    )
    document = services.archive_document_upload(
        record=record, actor=arch.archivist, kind="other", upload=upload("x.pdf", pdf_bytes())
    )
    services.archive_document_remove(document=document, actor=arch.archivist)
    assert record.documents.count() == 0


def test_paper_is_filed_only_with_its_place_and_the_place_is_not_moved(arch):
    record = services.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category="account",
        medium=Medium.PAPER,
        title="开户资料",
    )
    with pytest.raises(ApplicationError, match="cabinet and box"):
        services.archive_record_file(record=record, actor=arch.archivist)
    services.archive_record_shelve(record=record, actor=arch.archivist, cabinet="柜1", box="盒3")
    record = services.archive_record_file(record=record, actor=arch.archivist)

    with pytest.raises(ApplicationError, match="already in"):
        services.archive_record_shelve(
            record=record, actor=arch.archivist, cabinet="柜9", box="盒9"
        )
    assert ArchiveRecord.objects.get(pk=record.pk).location == "柜1 / 盒3"
    assert record.status == RecordStatus.FILED


def test_only_the_archivist_files_by_hand(arch):
    with pytest.raises(ApplicationError, match="archivist"):
        services.archive_record_create(
            actor=arch.clerk,
            customer=arch.customer("ordinary"),
            category="individual",
            medium=Medium.ELECTRONIC,
            title="x",
        )
