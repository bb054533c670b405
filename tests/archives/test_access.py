"""Records Art. 6: a record's files open only with the customer's consent, through a grant the
archivist gives for a limited time; every view and download is registered, and every copy
carries its viewer's name."""

import datetime as dt
import io

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from guardian.shortcuts import assign_perm, get_user_perms
from pypdf import PdfReader

from archives import services
from archives.models import (
    AccessAction,
    AccessLogEntry,
    AccessRequest,
    AccessState,
    ArchiveAction,
    ArchiveEvent,
    Medium,
)
from archives.services.access import FILE_PERMISSION
from kernel.errors import ApplicationError
from tests.accounts.factories import StaffFactory
from tests.builders import (
    BEIJING,
    ask_access,
    filed_record,
    granted,
    image_bytes,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def open_first(record, who, *, download=True):
    return services.document_open(
        document=record.documents.first(), actor=who, download=download, client_ip="10.0.0.8"
    )


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_access_without_a_grant_is_refused_and_the_refusal_registered(arch):
    record = filed_record(arch)
    with pytest.raises(ApplicationError, match="no access grant") as refused:
        open_first(record, arch.lead)
    assert refused.value.code == "forbidden"
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.action) == (arch.lead, AccessAction.REFUSED)


def test_a_pending_request_opens_nothing(arch):
    record = filed_record(arch)
    ask_access(arch, record, arch.lead)
    with pytest.raises(ApplicationError, match="no access grant"):
        open_first(record, arch.lead)


def test_access_with_an_expired_grant_is_refused_even_if_the_permission_remains(arch, frozen_now):
    record = filed_record(arch)
    granted(arch, record, arch.lead, days=1)
    frozen_now.move_to(dt.datetime(2026, 11, 26, 10, 30, tzinfo=BEIJING))

    assert arch.lead.has_perm(FILE_PERMISSION, record)  # the expiry job has not run yet
    with pytest.raises(ApplicationError, match="ended at"):
        open_first(record, arch.lead)


def test_access_with_a_grant_is_allowed_and_logged_with_who_when_which_file_and_why(arch):
    record = filed_record(arch)
    grant = granted(arch, record, arch.lead)

    copy = open_first(record, arch.lead, download=True)

    assert copy.content.startswith(b"%PDF-")
    entry = AccessLogEntry.objects.get()
    assert entry.user == arch.lead
    assert entry.action == AccessAction.DOWNLOAD
    assert entry.document == record.documents.first()
    assert entry.access_request == grant
    assert entry.purpose == "核对客户转托管资料"
    assert entry.client_ip == "10.0.0.8"
    assert entry.at is not None


def test_a_grant_is_an_object_permission_on_that_record_only(arch):
    record, another = filed_record(arch), filed_record(arch)
    granted(arch, record, arch.lead)

    assert FILE_PERMISSION.split(".")[1] in get_user_perms(arch.lead, record).values_list(
        "codename", flat=True
    )
    assert not arch.lead.has_perm(FILE_PERMISSION, another)
    with pytest.raises(ApplicationError):
        open_first(another, arch.lead)


def test_a_permission_given_outside_a_grant_does_not_open_files(arch):
    record = filed_record(arch)
    assign_perm(FILE_PERMISSION, arch.lead, record)
    with pytest.raises(ApplicationError, match="no access grant"):
        open_first(record, arch.lead)


def test_a_superuser_still_needs_the_customers_consent(arch):
    record = filed_record(arch)
    boss = StaffFactory(branch=arch.branch, is_superuser=True)
    with pytest.raises(ApplicationError, match="no access grant"):
        open_first(record, boss)


def test_the_downloaded_pdf_carries_the_viewers_name_and_the_time(arch):
    record = filed_record(arch)
    granted(arch, record, arch.lead)

    text = text_of(open_first(record, arch.lead).content)

    assert str(arch.lead) in text
    assert arch.lead.username in text
    assert "2026-11-25 10:0" in text  # the frozen morning, Beijing time
    assert record.number in text
    # The scan itself is under the watermark as a picture of its page (the copy is rebuilt
    # from pixels, so none of the upload's own text or structure is left).
    assert "identity 0" not in text
    assert PdfReader(io.BytesIO(open_first(record, arch.lead).content)).pages[0].images


def test_in_the_branchs_language_the_watermark_is_chinese(arch, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    record = filed_record(arch)
    granted(arch, record, arch.lead)  # whatever language the archivist's page was in
    text = text_of(open_first(record, arch.lead).content)
    assert "查阅人" in text and "北京时间" in text and "不得复制" in text


def test_an_image_scan_is_delivered_as_a_watermarked_pdf(arch):
    record = services.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category="individual",
        medium=Medium.ELECTRONIC,
        title="身份证正反面",
    )
    services.archive_document_upload(
        record=record,
        actor=arch.archivist,
        kind="identity_copy",
        upload=upload("id.jpg", image_bytes("JPEG", size=(800, 500))),
    )
    record = services.archive_record_file(record=record, actor=arch.archivist)
    granted(arch, record, arch.lead)

    copy = open_first(record, arch.lead)

    assert copy.content_type == "application/pdf"
    assert str(arch.lead) in text_of(copy.content)


def test_nobody_grants_access_to_themselves(arch):
    record = filed_record(arch)
    request = ask_access(arch, record, arch.archivist)
    with pytest.raises(ApplicationError, match="themselves"):
        services.access_request_grant(access_request=request, actor=arch.archivist, days=3)
    services.access_request_grant(access_request=request, actor=arch.archivist2, days=3)


def test_only_the_archivist_grants(arch):
    request = ask_access(arch, filed_record(arch), arch.lead)
    with pytest.raises(ApplicationError, match="role"):
        services.access_request_grant(access_request=request, actor=arch.gm, days=3)


def test_access_needs_a_purpose_and_the_consent_of_the_customer(arch):
    record = filed_record(arch)
    with pytest.raises(ApplicationError) as refused:
        services.access_request_create(
            record=record,
            actor=arch.lead,
            purpose=" ",
            consent_by="",
            consent_relation="neighbour",
            consent_method="telepathy",
            consent_at=dt.datetime(2026, 11, 24, tzinfo=BEIJING),
        )
    message = refused.value.message
    for part in ("purpose", "who gave consent", "authorised person", "how consent"):
        assert part in message


def test_consent_cannot_be_dated_in_the_future(arch):
    with pytest.raises(ApplicationError, match="future"):
        services.access_request_create(
            record=filed_record(arch),
            actor=arch.lead,
            purpose="核对",
            consent_by="张三",
            consent_relation="customer",
            consent_method="written",
            consent_at=dt.datetime(2026, 12, 1, tzinfo=BEIJING),
        )


def test_grants_run_for_a_limited_time(arch):
    request = ask_access(arch, filed_record(arch), arch.lead)
    with pytest.raises(ApplicationError, match="1 to 30 days"):
        services.access_request_grant(access_request=request, actor=arch.archivist, days=365)


def test_the_expiry_job_takes_the_permission_away(arch, frozen_now):
    record = filed_record(arch)
    grant = granted(arch, record, arch.lead, days=1)
    frozen_now.move_to(dt.datetime(2026, 11, 27, 9, 0, tzinfo=BEIJING))

    assert services.access_grants_expire(branch=arch.branch) == {"grants_expired": 1}

    grant.refresh_from_db()
    assert grant.state == AccessState.EXPIRED
    assert not get_user_perms(arch.lead, record).exists()


def test_revoking_one_grant_keeps_a_second_live_one(arch):
    record = filed_record(arch)
    first = granted(arch, record, arch.lead)
    services.access_grant_revoke(access_request=first, actor=arch.archivist, note="误批")
    assert not get_user_perms(arch.lead, record).exists()
    with pytest.raises(ApplicationError):
        open_first(record, arch.lead)

    granted(arch, record, arch.lead)
    assert open_first(record, arch.lead).content


def test_a_refusal_needs_a_reason_and_is_on_record(arch):
    request = ask_access(arch, filed_record(arch), arch.lead)
    with pytest.raises(ApplicationError, match="why"):
        services.access_request_refuse(access_request=request, actor=arch.archivist, note="")
    services.access_request_refuse(access_request=request, actor=arch.archivist, note="未见授权书")
    assert AccessRequest.objects.get().state == AccessState.REFUSED
    assert ArchiveEvent.objects.filter(action=ArchiveAction.ACCESS_REFUSED).exists()


def test_the_access_log_cannot_be_updated_or_deleted_through_the_orm(arch):
    record = filed_record(arch)
    granted(arch, record, arch.lead)
    open_first(record, arch.lead)
    entry = AccessLogEntry.objects.get()

    entry.purpose = "改写"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(purpose="改写")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().purpose == "核对客户转托管资料"


@pytest.mark.postgres_only
def test_the_database_refuses_to_change_the_access_log_on_postgresql(arch):
    record = filed_record(arch)
    granted(arch, record, arch.lead)
    open_first(record, arch.lead)
    for sql in (
        "UPDATE archives_accesslogentry SET purpose = 'x'",
        "DELETE FROM archives_accesslogentry",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AccessLogEntry.objects.count() == 1


def test_a_changed_file_is_not_shown(arch):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    record = filed_record(arch)
    name = record.documents.first().file.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(pdf_bytes("forged")))
    granted(arch, record, arch.lead)  # the copy is made from the stored file: it is checked

    with pytest.raises(ApplicationError, match="no longer matches"):
        open_first(record, arch.lead)
    assert not AccessLogEntry.objects.filter(action=AccessAction.DOWNLOAD).exists()
