"""Every change of an archives record's state goes through the one transition mechanism and
writes one event with the states it went from and to; a refused one writes nothing."""

import pytest

from archives import services as archives
from archives.models import AccessState, ArchiveEvent
from kernel.errors import InvalidState
from tests.builders import ask_access, filed_record, granted

pytestmark = pytest.mark.django_db


def test_an_archives_transition_writes_one_event_with_from_and_to(arch):
    record = filed_record(arch)
    grant = granted(arch, record, arch.lead)
    [event] = ArchiveEvent.objects.filter(access_request=grant, action="access_granted")
    assert (event.from_state, event.to_state) == (AccessState.PENDING, AccessState.GRANTED)
    archives.access_grant_revoke(access_request=grant, actor=arch.archivist, note="done")
    [revoked] = ArchiveEvent.objects.filter(access_request=grant, action="access_revoked")
    assert (revoked.from_state, revoked.to_state) == (AccessState.GRANTED, AccessState.REVOKED)


def test_an_archives_transition_refused_writes_no_event(arch):
    pending = ask_access(arch, filed_record(arch), arch.lead)
    before = ArchiveEvent.objects.count()
    with pytest.raises(InvalidState):
        archives.access_grant_revoke(access_request=pending, actor=arch.archivist, note="x")
    assert ArchiveEvent.objects.count() == before
