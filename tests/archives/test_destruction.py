"""Records Art. 8: destruction only past the retention date, only with the company head's
approval, so that nothing can be recovered, and a destruction record kept for good."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from archives import services
from archives.models import (
    AccessState,
    ArchiveRecord,
    DestructionMethod,
    DestructionRecord,
    DestructionState,
    Medium,
    RecordStatus,
)
from archives.selectors import destruction_candidates
from archives.services.storage import file_secure_delete, file_store
from kernel.errors import ApplicationError
from tests.accounts.factories import StaffFactory
from tests.builders import TODAY, filed_record, granted

pytestmark = pytest.mark.django_db

LONG_AGO = dt.date(2005, 6, 30)  # + 20 years = 2025-06-30, before the frozen today


@pytest.fixture
def expired(arch):
    return filed_record(arch, medium=Medium.PAPER, relationship_ended_on=LONG_AGO, files=2)


def request_for(arch, *records, method=DestructionMethod.SHREDDING):
    return services.destruction_request_create(
        actor=arch.archivist, records=records, reason="保管期满", paper_method=method
    )


def witnesses(arch):
    return [arch.archivist2, arch.lead]


def test_the_retention_date_is_twenty_years_after_the_relationship_ended(expired):
    assert expired.retention_until == dt.date(2025, 6, 30)


def test_destruction_is_refused_before_the_retention_date(arch):
    recent = filed_record(arch, relationship_ended_on=dt.date(2010, 1, 1))
    ongoing = filed_record(arch)
    for record in (recent, ongoing):
        with pytest.raises(ApplicationError, match="past their retention date"):
            request_for(arch, record)
    assert list(destruction_candidates(branch=arch.branch, today=TODAY)) == []


def test_destruction_without_the_company_heads_approval_is_refused(arch, expired):
    request = request_for(arch, expired)
    with pytest.raises(ApplicationError, match="not approved"):
        services.destruction_request_execute(
            destruction_request=request, actor=arch.archivist, witnesses=witnesses(arch)
        )
    for not_the_head in (arch.archivist, arch.gm):
        with pytest.raises(ApplicationError, match="company head"):
            services.destruction_request_approve(destruction_request=request, actor=not_the_head)
    expired.refresh_from_db()
    assert expired.status == RecordStatus.FILED
    assert all(default_storage.exists(d.file.name) for d in expired.documents.all())


def test_a_rejected_destruction_cannot_be_executed(arch, expired):
    request = request_for(arch, expired)
    services.destruction_request_reject(destruction_request=request, actor=arch.head, note="暂缓")
    with pytest.raises(ApplicationError):
        services.destruction_request_execute(
            destruction_request=request, actor=arch.archivist, witnesses=witnesses(arch)
        )


def test_an_approved_destruction_destroys_and_leaves_the_destruction_record(arch, expired):
    names = [d.file.name for d in expired.documents.all()]
    grant = granted(arch, expired, arch.lead)
    request = request_for(arch, expired, method=DestructionMethod.BURNING)
    services.destruction_request_approve(destruction_request=request, actor=arch.head, note="同意")

    kept = services.destruction_request_execute(
        destruction_request=request, actor=arch.archivist, witnesses=witnesses(arch)
    )

    assert not any(default_storage.exists(name) for name in names)
    card = ArchiveRecord.objects.get(pk=expired.pk)  # the index card stays
    assert card.status == RecordStatus.DESTROYED
    assert card.destruction_method == DestructionMethod.BURNING
    assert all(d.destroyed_at for d in card.documents.all())
    request.refresh_from_db()
    assert request.state == DestructionState.EXECUTED
    record = DestructionRecord.objects.get()
    assert record == kept
    assert (record.approved_by, record.executed_by) == (arch.head, arch.archivist)
    assert record.paper_method == DestructionMethod.BURNING
    assert set(record.witnesses.all()) == set(witnesses(arch))
    assert record.items[0]["number"] == expired.number
    assert len(record.items[0]["documents"]) == 2
    grant.refresh_from_db()
    assert grant.state == AccessState.REVOKED
    with pytest.raises(PermissionError):
        record.delete()


def test_an_electronic_record_is_destroyed_by_secure_deletion(arch):
    record = filed_record(arch, relationship_ended_on=LONG_AGO)
    request = request_for(arch, record)
    services.destruction_request_approve(destruction_request=request, actor=arch.head)
    services.destruction_request_execute(
        destruction_request=request, actor=arch.archivist, witnesses=witnesses(arch)
    )
    record.refresh_from_db()
    assert record.destruction_method == DestructionMethod.SECURE_DELETION


def test_destruction_needs_witnesses_besides_the_archivist(arch, expired):
    request = request_for(arch, expired)
    services.destruction_request_approve(destruction_request=request, actor=arch.head)
    with pytest.raises(ApplicationError, match="witnesses"):
        services.destruction_request_execute(
            destruction_request=request, actor=arch.archivist, witnesses=[arch.archivist, arch.lead]
        )


def test_a_record_is_listed_in_one_open_destruction_at_a_time(arch, expired):
    request_for(arch, expired)
    with pytest.raises(ApplicationError, match="Already listed"):
        request_for(arch, expired)


def test_a_destroyed_record_opens_nothing(arch):
    record = filed_record(arch, relationship_ended_on=LONG_AGO)
    request = request_for(arch, record)
    services.destruction_request_approve(destruction_request=request, actor=arch.head)
    services.destruction_request_execute(
        destruction_request=request, actor=arch.archivist, witnesses=witnesses(arch)
    )
    with pytest.raises(ApplicationError, match="destroyed"):
        services.document_open(document=record.documents.first(), actor=arch.lead)


def test_a_file_on_disk_is_overwritten_before_it_is_deleted(tmp_path, monkeypatch):
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        stored = file_store(
            data=b"%PDF-1.4 secret customer data", content_type="application/pdf", folder="t"
        )
        path = default_storage.path(stored.name)
        seen = {}
        real_delete = type(default_storage._wrapped).delete

        def spy(storage, name):
            with open(path, "rb") as fh:
                seen["before_delete"] = fh.read()
            real_delete(storage, name)

        monkeypatch.setattr(type(default_storage._wrapped), "delete", spy)
        file_secure_delete(stored.name)

    assert seen["before_delete"] != b"%PDF-1.4 secret customer data"
    assert len(seen["before_delete"]) == len(b"%PDF-1.4 secret customer data")
    assert not (tmp_path / stored.name).exists()


def test_witnesses_come_from_this_branch(arch, other, expired):
    request = request_for(arch, expired)
    services.destruction_request_approve(destruction_request=request, actor=arch.head)
    outsider = StaffFactory(branch=other.branch)
    with pytest.raises(ApplicationError, match="this branch"):
        services.destruction_request_execute(
            destruction_request=request, actor=arch.archivist, witnesses=[arch.lead, outsider]
        )
