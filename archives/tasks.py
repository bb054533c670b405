"""The archives' background jobs. Thin: an id in, the service does the work."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import conf
from .services.copies import reader_copy_make

_SOFT, _HARD = conf.copy_time_limits()


@shared_task(
    name="archives.reader_copy_make",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=_SOFT,
    time_limit=_HARD,
)
def reader_copy_make_task(self: Any, copy_id: int) -> str:
    """Makes one reader's copy; its soft limit ends the work as a failed copy, its hard
    limit kills a renderer that does not stop."""
    copy = reader_copy_make(copy_id=copy_id)
    return copy.state if copy is not None else "gone"
