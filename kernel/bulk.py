"""Writing many new rows of one model at once, the rows a unique constraint refuses skipped:
the one place that chooses how, per database.

On PostgreSQL one `INSERT … SELECT FROM unnest(…)`: each column that differs from row to row
is one array literal of every row's values, so no model object is built and no field
prepared per row (at thousands of rows that preparation costs more than the database's
work); the other columns get the model's defaults and the given constants, prepared once.
Elsewhere (SQLite, the tests' and development's database) `bulk_create`, a model object a
row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert_skipping_conflicts(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    constants: dict[str, Any],
    returning: str | None = None,
) -> list[Any] | None:
    """Insert `rows` (values for `columns`, attribute names such as "customer_id"), every
    row also with `constants`. Returns the `returning` field's value of each row really
    inserted, or None where the database cannot say (bulk_create ignoring conflicts)."""
    if not rows:
        return [] if returning else None
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**constants, **dict(zip(columns, row, strict=True))) for row in rows],
            batch_size=1000,
            ignore_conflicts=True,
        )
        return None
    qn = connection.ops.quote_name
    template = model(**constants)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    by_attname = {f.attname: f for f in fields}
    given = [by_attname[name] for name in columns]
    select, prepared = [], []
    for f in fields:
        if f in given:
            select.append(f"u.{qn(f.column)}")
        else:
            select.append(f"%s::{f.db_type(connection)}")
            prepared.append(f.get_db_prep_save(f.pre_save(template, add=True), connection))
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in given)
    names = ", ".join(qn(f.column) for f in given)
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"SELECT {', '.join(select)} FROM unnest({arrays}) WITH ORDINALITY AS u({names}, n) "
        # In the order given, as bulk_create numbers them.
        "ORDER BY u.n ON CONFLICT DO NOTHING"
    )
    if returning:
        sql += f" RETURNING {qn(by_attname[returning].column)}"
    values = [
        _array_text(f, column) for f, column in zip(given, zip(*rows, strict=True), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*prepared, *values])
        return [value for (value,) in cursor.fetchall()] if returning else None


def _array_text(field: models.Field, values: tuple[Any, ...]) -> str:
    """A column's values as one PostgreSQL array literal ('{"a","b",NULL}'), cast by the
    statement: the server reads it as one value, where a list parameter becomes an ARRAY[…]
    of as many constants to parse (several times slower at thousands of rows)."""
    as_json = isinstance(field, models.JSONField)

    def element(value: Any) -> str:
        if value is None:
            return "NULL"
        text = json.dumps(value, cls=field.encoder) if as_json else str(value)  # type: ignore[attr-defined]
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "{" + ",".join(map(element, values)) + "}"
