"""The application's database role cannot go around the append-only triggers (kernel/dbroles.py):
no TRUNCATE, no ALTER TABLE … DISABLE TRIGGER, no session_replication_role, on every table a
trigger guards — while its ordinary inserts still work. And `db_grant_app_role` leaves it
exactly the row rights, for tables created later too, refusing a role that could become the
owner.

The PostgreSQL half of .ci/run sets DATABASE_APP_ROLE, so the attacks run over the suite's own
login as that role (tests/dbroles.py). Without it, they run as a probe role granted the same
way, inside the test's transaction, which rolls the role back with the rest."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts.models import AccessChannel, CustomerAccessLog
from accounts.services import customer_access_record
from kernel.audit import AppendOnlyModel, append_only_tables
from kernel.dbroles import app_role_grant, app_role_problems
from tests import dbroles
from tests.builders import to_awaiting_approval
from transfers import services
from transfers.models import Approval, TransferAuditEntry

pytestmark = pytest.mark.postgres_only

PROBE = "branch_ops_grant_probe"
INSUFFICIENT_PRIVILEGE = "42501"
# What a role owning the tables could do to erase the audit (each statement on its own).
ATTACKS = {
    "truncate": "TRUNCATE {table} CASCADE",
    "disable user triggers": "ALTER TABLE {table} DISABLE TRIGGER USER",
    "disable all triggers": "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "drop the table": "DROP TABLE {table} CASCADE",
    "replica session": "SET session_replication_role = replica; DELETE FROM {table}",
}


def _sqlstate(exc: DatabaseError) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)


def _refused(sql: str) -> str | None:
    """None when PostgreSQL refused `sql` for want of privilege; else what happened."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as exc:
        if _sqlstate(exc) == INSUFFICIENT_PRIVILEGE:
            return None
        return f"failed otherwise: {exc}"
    return "was allowed"


@pytest.fixture
def as_app_role(db) -> Iterator[str]:
    """The test's connection acts as the application's role: the suite's own login when
    DATABASE_APP_ROLE is set; else a probe role, granted and taken on inside the test's
    transaction (so rolled back with it)."""
    if dbroles.app_role_active():
        yield dbroles.APP_ROLE
        return
    app_role_grant(connection=connection, role=PROBE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {PROBE}")
    except DatabaseError:
        pytest.skip("the suite's role may not SET ROLE: run with DATABASE_APP_ROLE set")
    yield PROBE


def test_the_guarded_tables_are_found_from_the_migrations_and_cover_every_append_only_model(db):
    guarded = set(append_only_tables(connection))
    models = {
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, AppendOnlyModel) and not model._meta.proxy
    }
    assert models, "no append-only model found: the discovery is broken"
    assert models <= guarded, f"append-only models without a trigger: {models - guarded}"
    # The approvals' trigger lets one change through (the sign-off) and is found too.
    assert Approval._meta.db_table in guarded


def test_the_app_role_cannot_erase_any_append_only_table_and_its_inserts_work(people, as_app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, usesuper FROM pg_user WHERE usename = current_user")
        assert cursor.fetchone() == (as_app_role, False)
    assert app_role_problems(connection=connection, role=as_app_role) == []
    # Its ordinary work, as the services do it: an access log, a phone approval and its audit.
    customer_access_record(
        customer=people.customer(), actor=people.clerk, client_ip=None, channel=AccessChannel.PAGE
    )
    req = to_awaiting_approval(people, people.customer())
    approval = services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.am
    )
    services.approval_sign_off(approval=approval, actor=people.am)
    before = (CustomerAccessLog.objects.count(), TransferAuditEntry.objects.count())
    assert all(before)

    tables = append_only_tables(connection)
    assert len(tables) >= 8  # found from the database, and the models' own test holds them
    outcomes = {
        (name, table): _refused(sql.format(table=table))
        for table in tables
        for name, sql in ATTACKS.items()
    }
    assert {key: what for key, what in outcomes.items() if what} == {}
    assert (CustomerAccessLog.objects.count(), TransferAuditEntry.objects.count()) == before
    approval.refresh_from_db()
    assert approval.signed_off_at is not None


def test_the_app_role_cannot_create_in_the_schema(as_app_role):
    assert _refused("CREATE TABLE planted (id int)") is None
    assert _refused("CREATE SCHEMA planted") is None


# The grant itself, run as the owner: in a transaction rolled back at the end, so neither
# the probe role nor anything granted to it outlives the test. Transactional because, while
# the suite runs as the application's role, the owner needs a connection of its own.


@pytest.fixture
def as_owner(transactional_db) -> Iterator[None]:
    with dbroles.maybe_as_owner(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def _grant(role: str = PROBE) -> str:
    out = io.StringIO()
    call_command("db_grant_app_role", role, stdout=out)
    return out.getvalue()


def _may(role: str, table: str, right: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, right])
        return bool(cursor.fetchone()[0])


def test_the_grant_leaves_row_rights_on_every_table_and_is_idempotent(as_owner):
    assert "created" in _grant()
    assert "kept" in _grant()
    assert app_role_problems(connection=connection, role=PROBE) == []
    tables = connection.introspection.table_names()
    for right in ("SELECT", "INSERT", "UPDATE", "DELETE"):
        assert [t for t in tables if not _may(PROBE, t, right)] == [], right
    assert [t for t in tables if _may(PROBE, t, "TRUNCATE")] == []


def test_a_right_granted_by_hand_is_taken_back(as_owner):
    _grant()
    table = Approval._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE, TRIGGER ON {table} TO {PROBE}")
    assert _may(PROBE, table, "TRUNCATE")
    _grant()
    assert not _may(PROBE, table, "TRUNCATE")
    assert not _may(PROBE, table, "TRIGGER")


def test_a_table_a_later_migration_creates_gets_the_same_rights(as_owner):
    _grant()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_table (id bigint GENERATED BY DEFAULT AS IDENTITY)")
        cursor.execute("CREATE SEQUENCE later_sequence")
        cursor.execute("SELECT has_sequence_privilege(%s, 'later_sequence', 'USAGE')", [PROBE])
        assert cursor.fetchone()[0]
    assert _may(PROBE, "later_table", "INSERT")
    assert _may(PROBE, "later_table", "DELETE")
    assert not _may(PROBE, "later_table", "TRUNCATE")


def test_a_role_that_could_become_the_owner_is_refused(as_owner):
    _grant()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        cursor.execute(f"GRANT {connection.ops.quote_name(owner)} TO {PROBE}")
    with pytest.raises(CommandError, match=f"{PROBE} would still hold more than row rights"):
        _grant()


@pytest.mark.parametrize("role", ["", "Robert'); DROP TABLE x; --", "app role"])
def test_a_role_name_that_is_not_plain_is_refused(as_owner, role):
    with pytest.raises(CommandError, match="not a plain role name"):
        _grant(role)


def test_the_owner_is_not_granted_as_its_own_app_role(as_owner):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(CommandError, match="run this as the tables' owner"):
        _grant(owner)
