"""Append-only records: audit trails and access logs are written once and never changed or
removed. The model refuses it on every ORM path (instance and queryset); on PostgreSQL a
trigger refuses it in the database itself, for a shell or a raw query too."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils.translation import gettext_lazy as _

from kernel.logging import REQUEST_ID_MAX_LENGTH, request_id_current

REFUSAL = "append-only: this record is never changed or removed"
# Every append-only trigger is named after its table with one of these (archives' own
# migration follows the same names): append_only_tables() finds them by it.
TRIGGER_SUFFIXES = ("_append_only", "_sign_off_only")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError(REFUSAL)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(REFUSAL)

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise PermissionError(REFUSAL)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(REFUSAL)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(REFUSAL)


class RequestTraced(models.Model):
    """The id of the request or task that wrote the row (kernel/logging.py), the key that
    joins an audit row to the log lines of the same page or job. It is the field's default,
    so every trail records it without each service passing it on.

    Named ``trace_id``, not ``request_id``: that is already the column of the transfer
    trail's foreign key to its request. The column's database default (empty) lets the
    version before it keep inserting rows while this one migrates (README, "Upgrading")."""

    trace_id = models.CharField(
        _("request id"),
        max_length=REQUEST_ID_MAX_LENGTH,
        blank=True,
        default=request_id_current,
        db_default="",
        editable=False,
    )

    class Meta:
        abstract = True


class TransitionEntry(RequestTraced, AppendOnlyModel):
    """One audit row of a workflow object's change (kernel.workflow.transition_take): who,
    when, from where, which action from which state to which, and what they said. Each app's
    trail adds the object it is about and its own `action` choices (a TextChoices, labelled
    once), and a migration adds the append-only trigger on PostgreSQL."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,  # a nightly job acts as nobody
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or '-'} {self.action}"


_FUNCTION = """
CREATE OR REPLACE FUNCTION branch_ops_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def add_append_only_triggers(schema_editor: BaseDatabaseSchemaEditor, tables: list[str]) -> None:
    """For a RunPython migration. Row triggers do not fire on TRUNCATE, so test flushes work."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_FUNCTION, params=None)  # the % are PL/pgSQL's, not placeholders
    for table in tables:
        schema_editor.execute(
            f"CREATE TRIGGER {table}{TRIGGER_SUFFIXES[0]} BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION branch_ops_refuse_change()"
        )


def drop_append_only_triggers(schema_editor: BaseDatabaseSchemaEditor, tables: list[str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


_SIGN_OFF_ONLY = """
CREATE OR REPLACE FUNCTION branch_ops_sign_off_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.signed_off_at IS NULL AND NEW.signed_off_at IS NOT NULL
       AND (to_jsonb(NEW) - 'signed_off_at') = (to_jsonb(OLD) - 'signed_off_at') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'approval record %: % refused (only the written sign-off is added, once)',
        TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def add_sign_off_only_trigger(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    """Art. 17: an approval is never changed or removed; the one change allowed is its written
    sign-off (signed_off_at from NULL to a time, nothing else in the same UPDATE)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_SIGN_OFF_ONLY, params=None)
    schema_editor.execute(
        f"CREATE TRIGGER {table}{TRIGGER_SUFFIXES[1]} BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION branch_ops_sign_off_only()"
    )


def drop_sign_off_only_trigger(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_sign_off_only ON {table}")


def append_only_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables of the current schema that an append-only trigger guards, read from the
    database: what the migrations made, not a list kept beside them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
            "AND (" + " OR ".join(["t.tgname = c.relname || %s"] * len(TRIGGER_SUFFIXES)) + ") "
            "ORDER BY c.relname",
            list(TRIGGER_SUFFIXES),
        )
        return [table for (table,) in cursor.fetchall()]
