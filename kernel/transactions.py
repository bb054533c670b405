"""Undoing what a transaction cannot: a file written next to rows that were then rolled back.
Django runs callbacks when a transaction commits, never when it rolls back, so a file stored
for a record that never committed would stay on disk, referenced by nothing.

    with atomic_undoable():
        name = default_storage.save(...)
        on_rollback(lambda: default_storage.delete(name))
        Record.objects.create(file=name)

`atomic_undoable()` is `transaction.atomic()` that, when it ends, calls the `on_rollback`
callbacks of whatever inside it did not survive: everything, if it ended with an exception;
what an inner savepoint rolled back, if it committed. Nested inside another
`atomic_undoable()`, it hands what is still pending to the outer one, which knows the outcome.
Nested inside a plain `atomic()`, the outcome is decided out of sight; a file left behind
then is counted by the archives' integrity check as an orphan (so is one whose process was
killed, which no callback can help)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)

_local = threading.local()


@dataclass
class _Pending:
    callback: Callable[[], None]
    settled: bool = False

    def committed(self) -> None:
        self.settled = True


def _scopes() -> list[list[_Pending]]:
    if not hasattr(_local, "scopes"):
        _local.scopes = []
    scopes: list[list[_Pending]] = _local.scopes
    return scopes


def _undo(pending: list[_Pending]) -> None:
    for entry in pending:
        if entry.settled:
            continue
        entry.settled = True
        try:
            entry.callback()
        except Exception:
            # The rows are gone already; a file that could not be removed is an orphan the
            # integrity check will count.
            logger.exception("could not undo after a rollback")


def on_rollback(callback: Callable[[], None], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Call `callback` if what was written now does not commit (see the module). Outside an
    `atomic_undoable()` block there is nobody to tell, and nothing is done."""
    scopes = _scopes()
    if not scopes:
        return
    entry = _Pending(callback)
    scopes[-1].append(entry)
    transaction.on_commit(entry.committed, using=using)


@contextmanager
def atomic_undoable(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    scopes = _scopes()
    pending: list[_Pending] = []
    scopes.append(pending)
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        scopes.pop()
        _undo(pending)
        raise
    scopes.pop()
    if not transaction.get_connection(using).in_atomic_block:
        # Committed: the on_commit of everything that survived has run; what is left was
        # rolled back with an inner savepoint.
        _undo(pending)
    elif scopes:
        scopes[-1].extend(pending)
