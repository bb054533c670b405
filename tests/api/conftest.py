"""API clients: a system token of a branch acting as one of its people, and staff with a
session."""

import pytest
from rest_framework.test import APIClient

from api.authentication import digest, new_key
from api.models import SystemToken
from tests.transfers.conftest import BranchPeople, make_branch

ALL_SCOPES = [
    "customers:read",
    "transfers:read",
    "transfers:write",
    "approvals:write",
    "commitments:read",
    "commitments:write",
    "revisits:read",
    "revisits:write",
    "archives:read",
]


def token_client(people: BranchPeople, *, acting_as=None, scopes=ALL_SCOPES) -> APIClient:
    key = new_key()
    SystemToken.objects.create(
        name="core system",
        branch=people.branch,
        acting_as=acting_as or people.clerk,
        key_digest=digest(key),
        key_prefix=key[:8],
        scopes=list(scopes),
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def people(db) -> BranchPeople:
    return make_branch()


@pytest.fixture
def other_branch(db) -> BranchPeople:
    return make_branch("BJ02")


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    if code is not None:
        assert body["code"] == code, body
    return body
