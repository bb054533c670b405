"""The application's own database role on PostgreSQL: it reads and writes rows and nothing
more. The append-only triggers (kernel/audit.py) refuse UPDATE and DELETE, but a role that owns
the tables, or is a superuser, can still go around them: `TRUNCATE … CASCADE` fires no row
trigger, `ALTER TABLE … DISABLE TRIGGER` needs only ownership, and
`SET session_replication_role = replica` silences every ordinary trigger for the session.
So the tables belong to the role that migrates them, and web, worker and beat connect as a
role that holds only SELECT, INSERT, UPDATE and DELETE (JR/T 0060 least privilege; PIPL
Art. 51: the access logs must outlive anyone who would erase them).

`app_role_grant` is run as the owner after every migrate (`manage.py db_grant_app_role`);
it is idempotent and also sets the owner's default privileges, so tables a later migration
creates are granted the same way without waiting for the next run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# A plain identifier: quoted below, but never built from anything else.
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_RIGHTS = "USAGE, SELECT"
# What the role must not hold on any table: TRUNCATE empties one without firing a row trigger,
# TRIGGER creates or drops triggers, REFERENCES lets it tie other tables' rows to ours.
FORBIDDEN_TABLE_RIGHTS = ("TRUNCATE", "TRIGGER", "REFERENCES")
POWERS = {
    "rolsuper": "SUPERUSER",
    "rolcreatedb": "CREATEDB",
    "rolcreaterole": "CREATEROLE",
    "rolreplication": "REPLICATION",
    "rolbypassrls": "BYPASSRLS",
}


class RoleGrantRefused(Exception):
    """The grant cannot leave the role with only row rights; nothing was changed."""


@dataclass(frozen=True)
class GrantReport:
    role: str
    owner: str
    database: str
    schema: str
    created: bool
    tables: int
    sequences: int


def _one(connection: BaseDatabaseWrapper, sql: str, params: list[str] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _run(connection: BaseDatabaseWrapper, *statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def app_role_grant(
    *, connection: BaseDatabaseWrapper, role: str, password: str | None = None
) -> GrantReport:
    """Create `role` if needed and leave it exactly the row rights on every table and sequence
    of the current schema, now and for tables the connected owner creates later. Runs in one
    transaction: a refusal leaves the database as it was."""
    if connection.vendor != "postgresql":
        raise RoleGrantRefused("database roles exist on PostgreSQL only")
    if not ROLE_NAME.fullmatch(role):
        raise RoleGrantRefused(
            f"{role!r} is not a plain role name (lower-case letters, digits and _)"
        )
    # One transaction (a savepoint inside the caller's): the grants and the check that
    # follows them succeed or fail together.
    with transaction.atomic(using=connection.alias):
        report = _grant(connection, role, password)
        problems = app_role_problems(connection=connection, role=role)
        if problems:
            raise RoleGrantRefused(
                f"role {role} would still hold more than row rights: " + "; ".join(problems)
            )
    return report


def _grant(connection: BaseDatabaseWrapper, role: str, password: str | None) -> GrantReport:
    q = connection.ops.quote_name
    owner, database, schema = _one(
        connection, "SELECT current_user, current_database(), current_schema()"
    )
    if role == owner:
        raise RoleGrantRefused(
            f"connected as {owner}: run this as the tables' owner (MIGRATE_DATABASE_URL) "
            "for the application's other role"
        )
    found = _one(
        connection,
        f"SELECT {', '.join(POWERS)} FROM pg_roles WHERE rolname = %s",
        [role],
    )
    created = found is None
    if created:
        _run(
            connection,
            f"CREATE ROLE {q(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
            "NOBYPASSRLS",
        )
    elif any(found):
        # Only what it holds is taken away: lowering a power is allowed to fewer runners.
        held = [power for power, has in zip(POWERS.values(), found, strict=True) if has]
        _run(connection, f"ALTER ROLE {q(role)} LOGIN " + " ".join(f"NO{p}" for p in held))
    if password:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER ROLE {q(role)} PASSWORD %s", [password])
    _run(
        connection,
        f"GRANT CONNECT ON DATABASE {q(database)} TO {q(role)}",
        f"REVOKE CREATE ON DATABASE {q(database)} FROM {q(role)}",
        # Before PostgreSQL 15 every role may create in the public schema (CVE-2018-1058):
        # the app role could plant a function or table there that the owner then runs.
        f"REVOKE CREATE ON SCHEMA {q(schema)} FROM PUBLIC",
        f"REVOKE ALL ON SCHEMA {q(schema)} FROM {q(role)}",
        f"GRANT USAGE ON SCHEMA {q(schema)} TO {q(role)}",
        # REVOKE first: a right granted by hand earlier (TRUNCATE, TRIGGER) does not survive.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {q(schema)} FROM {q(role)}",
        f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {q(schema)} TO {q(role)}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {q(schema)} FROM {q(role)}",
        f"GRANT {SEQUENCE_RIGHTS} ON ALL SEQUENCES IN SCHEMA {q(schema)} TO {q(role)}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {q(schema)} "
        f"GRANT {TABLE_RIGHTS} ON TABLES TO {q(role)}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {q(schema)} "
        f"GRANT {SEQUENCE_RIGHTS} ON SEQUENCES TO {q(role)}",
    )
    tables, sequences = _one(
        connection,
        "SELECT count(*) FILTER (WHERE relkind IN ('r', 'p')), count(*) FILTER "
        "(WHERE relkind = 'S') FROM pg_class WHERE relnamespace = %s::regnamespace",
        [schema],
    )
    return GrantReport(role, owner, database, schema, created, tables, sequences)


def app_role_problems(*, connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """Everything `role` holds beyond row rights in the current database and schema: the
    check the grant ends with, and what a deployment can ask of its running role."""
    found = _one(
        connection,
        f"SELECT {', '.join(POWERS)} FROM pg_roles WHERE rolname = %s",
        [role],
    )
    if found is None:
        return [f"no role {role}"]
    problems = [f"is {power}" for power, has in zip(POWERS.values(), found, strict=True) if has]
    with connection.cursor() as cursor:
        # MEMBER, not USAGE: a member may SET ROLE to the owner even without inheriting.
        cursor.execute(
            "SELECT c.relname, c.relowner::regrole::text, "
            "pg_has_role(%s, c.relowner, 'MEMBER'), "
            + ", ".join(
                f"has_table_privilege(%s, c.oid, '{right}')" for right in FORBIDDEN_TABLE_RIGHTS
            )
            + " FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
            "AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            [role] * (1 + len(FORBIDDEN_TABLE_RIGHTS)),
        )
        for table, owner, owns, *rights in cursor.fetchall():
            if owns:
                problems.append(f"owns {table} (as {owner})")
            problems += [
                f"may {right} {table}"
                for right, has in zip(FORBIDDEN_TABLE_RIGHTS, rights, strict=True)
                if has
            ]
        cursor.execute(
            "SELECT has_schema_privilege(%s, current_schema(), 'CREATE'), "
            "has_database_privilege(%s, current_database(), 'CREATE')",
            [role, role],
        )
        schema_create, database_create = cursor.fetchone()
        if schema_create:
            problems.append("may CREATE in the schema")
        if database_create:
            problems.append("may CREATE schemas in the database")
        if connection.pg_version >= 150000:  # type: ignore[attr-defined]
            # PostgreSQL 15 lets a superuser grant one role the right to set a parameter.
            cursor.execute(
                "SELECT has_parameter_privilege(%s, 'session_replication_role', 'SET')", [role]
            )
            if cursor.fetchone()[0]:
                problems.append("may SET session_replication_role")
    return problems
