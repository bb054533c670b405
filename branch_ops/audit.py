"""Append-only records: audit trails and access logs are written once and never changed or
removed. The model refuses it on every ORM path (instance and queryset); on PostgreSQL a
trigger refuses it in the database itself, for a shell or a raw query too."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

REFUSAL = "append-only: this record is never changed or removed"


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
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION branch_ops_refuse_change()"
        )


def drop_append_only_triggers(schema_editor: BaseDatabaseSchemaEditor, tables: list[str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
