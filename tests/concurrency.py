"""One harness for the races that only PostgreSQL's row locks can show (tests marked
postgres_only and django_db(transaction=True)): N jobs, each in its own thread and so on its
own database connection, released together at a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

BARRIER_SECONDS = 30  # every thread reaches the barrier by then, or the barrier breaks
JOIN_SECONDS = 120  # a thread still running after that hung on a lock


def all_at_once(jobs: Sequence[Callable[[], Any]]) -> list[tuple[Any, Exception | None]]:
    """Run each job in its own thread, all released together; returns one (result, error)
    pair per job, in the jobs' order: (what the job returned, None), or (None, what it raised).
    Each thread closes its own connection when done; a thread that hangs fails the test."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[tuple[Any, Exception | None]] = [(None, None)] * len(jobs)

    def work(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=BARRIER_SECONDS)
            outcomes[index] = (job(), None)
        except Exception as exc:
            outcomes[index] = (None, exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread hung on a lock"
    return outcomes
