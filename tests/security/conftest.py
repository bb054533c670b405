import pytest

from tests.transfers.conftest import BranchPeople, make_branch


@pytest.fixture
def people(db) -> BranchPeople:
    return make_branch()


@pytest.fixture
def other_branch(db) -> BranchPeople:
    return make_branch("BJ02")
