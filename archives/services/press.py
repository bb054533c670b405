"""Where the nightly filing's papers are drawn: in worker processes, or in this one.

Why a pool of processes and not chunks of the night as Celery tasks: drawing a PDF is pure
computation that needs no database, so the job keeps every read and write in its own
process and transaction (each ending filed once under the request's lock and the record's
unique ending, exactly as before) and hands the workers only plain data (kernel.pdf.Paper).
Celery chunks would each need their own transaction and a parent to count and report their
outcomes, and `make run`, which has no broker, would draw the night in one process anyway.

The workers are started with 'spawn': a forked child would inherit the job's open database
connection in the middle of its transaction, and a spawned one imports only the PDF kit
(what it runs, kernel.pdf.papers_render, needs neither Django nor the settings).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from kernel import pdf

T = TypeVar("T")


class _HereAndNow(Executor):
    """An executor that runs what it is given at once, in this process."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


@contextmanager
def _children_allowed() -> Iterator[None]:
    """A Celery worker's pool process, where the scheduled jobs run, is daemonic, and
    multiprocessing refuses a daemonic process children: killed outright, it could not stop
    them. The drawers stop themselves once their parent is gone (kernel.pdf.drawer_ready),
    so the refusal is lifted while the press runs."""
    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    daemon = config.get("daemon")
    config["daemon"] = False
    try:
        yield
    finally:
        if daemon is None:
            config.pop("daemon", None)
        else:
            config["daemon"] = daemon


@contextmanager
def paper_press(*, workers: int, papers: int) -> Iterator[Executor]:
    """An executor drawing with up to `workers` processes, never more than there are
    endings to draw (`papers`); with one, or none to draw, it draws here."""
    workers = min(workers, papers)
    if workers <= 1:
        yield _HereAndNow()
        return
    with (
        _children_allowed(),
        ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=pdf.drawer_ready,
            initargs=(os.getpid(),),
        ) as pool,
    ):
        yield pool
