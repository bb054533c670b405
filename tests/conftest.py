import importlib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import connection

from kernel.calendar import calendar_seed_from_package
from tests import dbroles
from tests.builders import TEST_NOW, BranchPeople, make_branch


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        calendar_seed_from_package(first_year=2024)
        # DATABASE_APP_ROLE (the PostgreSQL half of .ci/run): the tests connect as the
        # application's role, the owner only migrates, flushes and drops (tests/dbroles.py).
        if dbroles.APP_ROLE and connection.vendor == "postgresql":
            dbroles.switch_to_app_role()
    yield
    dbroles.switch_back_to_owner()


@pytest.fixture
def seeded_calendar(transactional_db):
    """For transactional tests, whose flush empties the tables that migrations and the
    session set-up filled: the calendar and the churn reasons."""
    calendar_seed_from_package(first_year=2024)
    seed_reasons = importlib.import_module("retention.migrations.0002_seed_reasons").seed
    seed_reasons(django_apps, None)


@pytest.fixture
def people(db) -> BranchPeople:
    """A branch (SH01) with one person per role (tests/builders.py)."""
    return make_branch()


@pytest.fixture
def other_branch(db) -> BranchPeople:
    return make_branch("BJ02")


@pytest.fixture
def hq_marketing(db):
    """The head office's marketing management, who publishes the firm's norm: no branch."""
    from accounts.roles import Role
    from tests.accounts.factories import StaffFactory

    return StaffFactory(branch=None, roles=[Role.HQ_MARKETING])


@pytest.fixture(autouse=True)
def frozen_now():
    """Every test starts on a known trading day; tests that cross weekends and holidays
    move the clock themselves with traveller.move_to()."""
    with time_machine.travel(TEST_NOW, tick=True) as traveller:
        yield traveller


def pytest_collection_modifyitems(config, items):
    # Skipped at collection, before any database fixture runs: a transactional test that
    # merely started on SQLite would still flush the shared test database at teardown.
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: SQLite locks the whole database, so row locks and unique "
        "constraints under concurrent threads cannot be exercised "
        "(run with DATABASE_URL=postgres://…)"
    )
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)
