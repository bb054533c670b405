import pytest

from accounts.roles import Role
from tests.accounts.factories import StaffFactory


@pytest.fixture
def hq(db):
    """Head-office marketing. Its branch is only the factory's (head-office users may have
    none); nothing in the console reads it."""
    return StaffFactory(roles=[Role.HQ_MARKETING])


@pytest.fixture
def hq_client(client, hq):
    client.force_login(hq)
    return client
