"""The PostgreSQL suite as production runs: the test database is created and migrated by the
owner (the role in DATABASE_URL, as the one-off migrate service does), then granted with
`manage.py db_grant_app_role`, and every test connects as the application's role named by
DATABASE_APP_ROLE (optional password: DATABASE_APP_PASSWORD), which may read and write rows
and nothing more (kernel/dbroles.py).

Two steps need the owner and get it for their duration only: dropping the test database at the
end, and the flush after each transactional test — Django empties the tables with TRUNCATE,
which the application's role may not do, and the append-only tables refuse the DELETE that
could replace it. The test itself still runs as the application's role."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from django.core.management import call_command
from django.db import connections
from django.test import TransactionTestCase

APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "")
APP_PASSWORD = os.environ.get("DATABASE_APP_PASSWORD", "")

# The owner's credentials, kept when the suite switches to the application's role.
owner: dict[str, Any] = {}


def app_role_active() -> bool:
    return bool(owner)


@contextmanager
def connected_as(user: str, password: str) -> Iterator[None]:
    """Every connection opened meanwhile, in any thread, logs in as `user`: Django's
    connections of one alias share one settings dict."""
    connection = connections["default"]
    settings = connection.settings_dict
    before = settings["USER"], settings["PASSWORD"]
    connection.close()
    settings.update(USER=user, PASSWORD=password)
    try:
        yield
    finally:
        connection.close()
        settings.update(USER=before[0], PASSWORD=before[1])


def as_owner() -> Any:
    return connected_as(owner["USER"], owner["PASSWORD"])


def maybe_as_owner() -> Any:
    """For what only the owner may do (ANALYZE): as the owner while the suite runs as the
    application's role, else as the suite's own role."""
    return as_owner() if owner else nullcontext()


def switch_to_app_role() -> None:
    """After the owner created and migrated the test database: grant, then log in as the
    application's role from here on."""
    connection = connections["default"]
    call_command("db_grant_app_role", APP_ROLE, stdout=io.StringIO())
    owner.update(
        USER=connection.settings_dict["USER"], PASSWORD=connection.settings_dict["PASSWORD"]
    )
    connection.close()
    connection.settings_dict.update(USER=APP_ROLE, PASSWORD=APP_PASSWORD)
    TransactionTestCase._fixture_teardown = _flush_as_owner  # type: ignore[method-assign]


def switch_back_to_owner() -> None:
    if not owner:
        return
    TransactionTestCase._fixture_teardown = _flush  # type: ignore[method-assign]
    connection = connections["default"]
    connection.close()
    connection.settings_dict.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
    owner.clear()


_flush = TransactionTestCase._fixture_teardown


def _flush_as_owner(self: TransactionTestCase) -> None:
    with as_owner():
        _flush(self)
