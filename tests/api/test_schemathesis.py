"""Attack test: Schemathesis generates requests for every operation of the OpenAPI schema
and sends each as several roles (counter clerk, account manager, general manager, auditor)
and as another branch's clerk. No server error, and every response — success or error —
matches the schema."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.builders import built_once, make_branch, to_state, token_client
from transfers.models import TransferState

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_the_test_connection_open():
    """The WSGI handler closes database connections at each request's start and end, as in
    production; inside a test that would close the test's own transaction on PostgreSQL.
    Django's test client unhooks the same signals for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _build_role_headers() -> list[dict[str, str]]:
    """The branch's data — requests in several states — and one token per role."""
    people = make_branch("SA01")
    stranger = make_branch("SB02")
    for state in (
        TransferState.RECEIVED,
        TransferState.AWAITING_APPROVAL,
        TransferState.PROCESSING,
        TransferState.COMPLETED,
    ):
        to_state(people, state)
    to_state(stranger, TransferState.AWAITING_APPROVAL)
    headers = []
    for branch, person in (
        (people, people.clerk),
        (people, people.am),
        (people, people.gm),
        (people, people.auditor),
        (stranger, stranger.clerk),
    ):
        client = token_client(branch, acting_as=person)
        headers.append({"Authorization": client._credentials["HTTP_AUTHORIZATION"]})
    return headers


@pytest.fixture(scope="module")
def _role_headers_once(django_db_setup, django_db_blocker):
    # Built once for the module's operations, in a transaction rolled back after the last;
    # each test (all of an operation's examples) runs in a savepoint of it, rolled back after.
    yield from built_once(django_db_blocker, _build_role_headers)


@pytest.fixture
def role_headers(_role_headers_once, db) -> list[dict[str, str]]:
    return _role_headers_once


# Loaded at collection from the app itself: the schema view reads no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
# Generated examples, valid and invalid; the exhaustive coverage phase would take too long.
schema.config.phases.update(phases=["examples", "fuzzing"])


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_every_operation_as_every_role(case, role_headers):
    for headers in role_headers:
        case.call_and_validate(headers=headers, checks=CHECKS)
