"""PostgreSQL refuses a NUL character in text ("A string literal cannot contain NUL (0x00)
characters."); SQLite stores it. `nul_queries()` records each query that would carry one, so
a test on SQLite fails where PostgreSQL would answer a 500."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import connection


def _holds_nul(params: Any, many: bool) -> bool:
    rows = params if many else [params]
    for row in rows or ():
        values = row.values() if isinstance(row, dict) else row or ()
        if any(isinstance(value, str) and "\x00" in value for value in values):
            return True
    return False


@contextlib.contextmanager
def nul_queries() -> Iterator[list[str]]:
    """The queries run inside the block that carry a NUL in a text parameter."""
    seen: list[str] = []

    def check(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if _holds_nul(params, many):
            seen.append(sql[:120])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(check):
        yield seen
