"""Bulk loading through PostgreSQL COPY that still lets each model field decide its stored
form: every value goes through the field's own pre_save/get_db_prep_save, and the column
list is read from the model's _meta at run time, so a field that encrypts or a digest column
that another change adds is filled the way the ORM would fill it."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Max
from django.db.models import fields as django_fields
from django.utils import timezone

_PLAIN_PRE_SAVE = {
    django_fields.Field.pre_save,
    django_fields.DateField.pre_save,
    django_fields.DateTimeField.pre_save,
}
_CHUNK_ROWS = 20_000
_CACHE_LIMIT = 50_000
# COPY's text format escapes the backslash and the row and column separators.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _needs_instance(model: type[models.Model]) -> bool:
    """A field whose pre_save is its own (an encrypted value, a digest filled from another
    field) needs a model instance to compute what it stores."""
    return any(type(f).pre_save not in _PLAIN_PRE_SAVE for f in model._meta.concrete_fields)


def _text(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\\\x" + bytes(value).hex()
    adapted = getattr(value, "adapted", None)  # psycopg2's Json adapter for JSONField
    if adapted is not None and hasattr(value, "dumps"):
        value = value.dumps(adapted)
    elif isinstance(value, (dict, list)):
        value = json.dumps(value)
    return str(value).translate(_ESCAPES)


class CopyLoader:
    """Load rows (dicts keyed by attname or field name) into one model's table. Fields a row
    leaves out get their default, `now` for auto_now(_add), or NULL/"" as the ORM would; a
    row without the primary key takes it from the table's sequence."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.instance_path = _needs_instance(model)
        self.now = timezone.now()
        self.rows = 0
        # The wrapper itself, not django.db.connection's per-call thread-local lookup.
        self.connection = connections[DEFAULT_DB_ALIAS]

    def _defaults(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                out[f.attname] = self.now
            elif f.has_default():
                out[f.attname] = f.get_default()
            elif f.null:
                out[f.attname] = None
            elif f.empty_strings_allowed:
                out[f.attname] = ""
        return out

    def _prepare(self, first: Mapping[str, Any]) -> None:
        pk = self.model._meta.pk
        if pk is not None and pk.attname not in first and pk.name not in first:
            self.fields = [f for f in self.fields if f is not pk]
        self.defaults = self._defaults()
        self.preps = [f.get_db_prep_save for f in self.fields]
        self.own_pre_save = [type(f).pre_save not in _PLAIN_PRE_SAVE for f in self.fields]
        # Django's own field classes give the same stored form for the same value, so a
        # repeated value (a date, a foreign key, a flag) is converted once. A project field
        # (an encrypting one) is asked every time.
        self.caches: list[dict[Any, str] | None] = [
            {} if type(f).__module__.startswith("django.") else None for f in self.fields
        ]

    def _value(self, i: int, raw: Any) -> str:
        cache = self.caches[i]
        if cache is not None:
            try:
                return cache[raw]
            except (KeyError, TypeError):
                pass
        text = _text(self.preps[i](raw, self.connection))
        if cache is not None:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            with contextlib.suppress(TypeError):  # unhashable: a list for a JSONField
                cache[raw] = text
        return text

    def _line(self, row: Mapping[str, Any]) -> str:
        instance = self.model(**{**self.defaults, **row}) if self.instance_path else None
        values = []
        for i, f in enumerate(self.fields):
            if instance is not None and self.own_pre_save[i]:
                values.append(_text(self.preps[i](f.pre_save(instance, True), self.connection)))
                continue
            if f.attname in row:
                raw = row[f.attname]
            else:
                raw = row.get(f.name, self.defaults.get(f.attname))
            values.append(self._value(i, raw))
        return "\t".join(values) + "\n"

    def load(self, rows: Iterable[Mapping[str, Any]]) -> int:
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return 0
        self._prepare(first)
        ops = self.connection.ops
        table = ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(ops.quote_name(f.column) for f in self.fields)
        sql = f"COPY {table} ({cols}) FROM STDIN"
        buffer, pending = io.StringIO(), 0
        with self.connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg2 cursor behind Django's wrapper
            for row in itertools.chain([first], iterator):
                buffer.write(self._line(row))
                pending += 1
                if pending == _CHUNK_ROWS:
                    buffer.seek(0)
                    raw.copy_expert(sql, buffer)
                    self.rows += pending
                    buffer, pending = io.StringIO(), 0
            if pending:
                buffer.seek(0)
                raw.copy_expert(sql, buffer)
                self.rows += pending
        return self.rows


def copy_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    return CopyLoader(model).load(rows)


def reset_sequences(*models_: type[models.Model]) -> None:
    from django.core.management.color import no_style

    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    return (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
