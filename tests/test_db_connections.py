"""A kept database connection that PostgreSQL dropped (a restart, a failover, an idle
timeout) must cost no request a 500: production keeps connections (CONN_MAX_AGE) and checks
each before a request's first query (CONN_HEALTH_CHECKS), replacing a dead one."""

import pytest
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import StaffFactory
from tests.test_settings import production_settings

WORKER_REQUESTS = 3


@pytest.fixture
def production_connection(tmp_path):
    """This test's connection opened with production's CONN_MAX_AGE and CONN_HEALTH_CHECKS."""
    production = production_settings(tmp_path, "DATABASES")["DATABASES"]["default"]
    kept = {name: production[name] for name in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    assert kept["CONN_MAX_AGE"] > 0
    before = {name: connection.settings_dict[name] for name in kept}
    connection.close()
    connection.settings_dict.update(kept)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(before)


def terminate(pid: int) -> None:
    """What a database restart does to a worker's kept connection, done from another one."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_requests_after_the_database_dropped_the_kept_connection_answer(production_connection):
    web = Client(raise_request_exception=False)
    web.force_login(StaffFactory())
    assert web.get(reverse("home")).status_code == 200
    for _request in range(WORKER_REQUESTS):
        dropped = production_connection.connection.get_backend_pid()
        terminate(dropped)
        # What the server's request_started signal does before each request; the test client
        # leaves it out, so it is called here.
        close_old_connections()
        response = web.get(reverse("home"))
        assert response.status_code == 200
        assert production_connection.connection.get_backend_pid() != dropped
