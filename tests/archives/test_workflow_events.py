"""Every change of an archives record's state goes through the one transition mechanism and
writes one event with the states it went from and to; a refused one writes nothing."""

import datetime as dt

import pytest

from archives import services as archives
from archives.models import (
    AccessState,
    ArchiveAction,
    ArchiveEvent,
    ArchiveRecord,
    DestructionState,
    RecordStatus,
)
from kernel.errors import Forbidden, InvalidState
from tests.builders import AFTER_CLOSE, TODAY, ask_access, filed_record, granted, to_state
from transfers.models import TransferState

pytestmark = pytest.mark.django_db


def test_an_archives_transition_writes_one_event_with_from_and_to(arch):
    record = filed_record(arch)
    grant = granted(arch, record, arch.lead)
    [event] = ArchiveEvent.objects.filter(access_request=grant, action=ArchiveAction.ACCESS_GRANTED)
    assert (event.from_state, event.to_state) == (AccessState.PENDING, AccessState.GRANTED)
    archives.access_grant_revoke(access_request=grant, actor=arch.archivist, note="done")
    [revoked] = ArchiveEvent.objects.filter(
        access_request=grant, action=ArchiveAction.ACCESS_REVOKED
    )
    assert (revoked.from_state, revoked.to_state) == (AccessState.GRANTED, AccessState.REVOKED)


def test_an_archives_transition_refused_writes_no_event(arch):
    pending = ask_access(arch, filed_record(arch), arch.lead)
    before = ArchiveEvent.objects.count()
    with pytest.raises(InvalidState):
        archives.access_grant_revoke(access_request=pending, actor=arch.archivist, note="x")
    assert ArchiveEvent.objects.count() == before


def test_filing_by_hand_writes_one_event_from_draft_to_filed(arch):
    record = filed_record(arch)

    [filed] = ArchiveEvent.objects.filter(record=record, action=ArchiveAction.FILED)
    assert (filed.from_state, filed.to_state) == (RecordStatus.DRAFT, RecordStatus.FILED)
    assert filed.actor == arch.archivist
    assert filed.comment == record.number
    assert filed.get_action_display() == "Filed"


def test_the_nightly_filing_writes_one_event_per_record_however_often_it_runs(arch, frozen_now):
    req = to_state(arch.people, TransferState.REFUSED)
    frozen_now.move_to(AFTER_CLOSE)
    archives.archive_file_day(branch=arch.branch, business_date=TODAY)
    archives.archive_file_day(branch=arch.branch, business_date=TODAY)

    record = ArchiveRecord.objects.get(transfer_request=req)
    [filed] = ArchiveEvent.objects.filter(record=record, action=ArchiveAction.FILED)
    assert (filed.from_state, filed.to_state) == (RecordStatus.DRAFT, RecordStatus.FILED)
    assert filed.actor is None  # the nightly filing, nobody's hand
    assert filed.comment == record.number


def test_a_filing_refused_writes_no_event_and_takes_no_number(arch):
    draft = archives.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category="individual",
        medium="paper",
        title="开户资料",
        cabinet="A",
        box="1",
    )
    with pytest.raises(Forbidden, match="archivist"):
        archives.archive_record_file(record=draft, actor=arch.clerk)
    draft.refresh_from_db()
    assert draft.status == RecordStatus.DRAFT and draft.number is None
    assert not ArchiveEvent.objects.filter(action=ArchiveAction.FILED).exists()

    filed = archives.archive_record_file(record=draft, actor=arch.archivist)
    assert filed.number == "SH01-IND-2026-000001"


def test_a_destruction_writes_one_event_on_each_record_it_destroys(arch):
    records = [filed_record(arch, relationship_ended_on=dt.date(2005, 6, 30)) for _n in range(2)]
    request = archives.destruction_request_create(
        actor=arch.archivist, records=records, reason="保管期满"
    )
    archives.destruction_request_approve(destruction_request=request, actor=arch.head)
    archives.destruction_request_execute(
        destruction_request=request, actor=arch.archivist, witnesses=[arch.archivist2, arch.lead]
    )

    for record in records:
        [destroyed] = ArchiveEvent.objects.filter(
            record=record, action=ArchiveAction.RECORD_DESTROYED
        )
        assert (destroyed.from_state, destroyed.to_state) == (
            RecordStatus.FILED,
            RecordStatus.DESTROYED,
        )
        assert destroyed.actor == arch.archivist
    [executed] = ArchiveEvent.objects.filter(
        destruction_request=request, action=ArchiveAction.DESTRUCTION_EXECUTED
    )
    assert (executed.from_state, executed.to_state) == (
        DestructionState.APPROVED,
        DestructionState.EXECUTED,
    )
