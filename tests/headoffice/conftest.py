import datetime as dt

import pytest

from accounts.roles import Role
from tests.accounts.factories import StaffFactory
from tests.builders import at, to_awaiting_approval, to_completed
from transfers.models import TransferRequest


@pytest.fixture
def hq(db):
    """Head-office marketing. Its branch is only the factory's (head-office users may have
    none); nothing in the console reads it."""
    return StaffFactory(roles=[Role.HQ_MARKETING])


@pytest.fixture
def hq_client(client, hq):
    client.force_login(hq)
    return client


def _due(req, day):
    TransferRequest.objects.filter(pk=req.pk).update(due_on=day)
    return req


@pytest.fixture
def late_world(db, frozen_now, people, other_branch):
    at(frozen_now, dt.date(2026, 11, 25))
    running_late = _due(to_awaiting_approval(people, people.customer()), dt.date(2026, 11, 20))
    _due(to_awaiting_approval(people, people.customer()), dt.date(2026, 12, 3))  # not yet due
    done_late = _due(to_completed(people, people.customer()), dt.date(2026, 11, 24))
    _due(to_completed(people, people.customer()), dt.date(2026, 11, 26))  # done in time
    _due(to_awaiting_approval(other_branch, other_branch.customer()), dt.date(2026, 11, 20))
    return {"late": {running_late.pk, done_late.pk}, "people": people, "other": other_branch}
