"""The one state-machine mechanism (kernel.workflow): the transition table is enforced on the
write path, a condition refuses in its own words, and every change of state is recorded with
the states it went from and to (the archives' events: tests/archives/test_workflow_events.py)."""

import pytest

from kernel.errors import Forbidden, InvalidInput, InvalidState
from tests.builders import make_branch, new_request
from transfers.models import TransferAuditEntry, TransferState
from transfers.services._workflow import apply_transition, lock_request

pytestmark = pytest.mark.django_db


def test_a_condition_refuses_in_its_own_words_and_nothing_changes():
    people = make_branch()
    req = new_request(people, people.customer())
    with pytest.raises(InvalidInput) as refused:
        apply_transition(lock_request(req), "verify_documents", actor=people.clerk)
    assert "Art. 4" in refused.value.message
    assert refused.value.code == "documents_missing"
    req.refresh_from_db()
    assert req.state == TransferState.RECEIVED
    assert not TransferAuditEntry.objects.filter(request=req, action="verify_documents").exists()


def test_no_transition_from_the_current_state_is_an_invalid_state_with_the_state_named():
    people = make_branch()
    req = new_request(people, people.customer())
    with pytest.raises(InvalidState) as refused:
        apply_transition(lock_request(req), "complete", actor=people.clerk)
    assert refused.value.status == 409
    assert refused.value.details == {"state": TransferState.RECEIVED}


def test_a_role_the_transition_does_not_allow_is_forbidden():
    people = make_branch()
    req = new_request(people, people.customer())
    with pytest.raises(Forbidden):
        apply_transition(lock_request(req), "refuse", actor=people.am)
