"""A job for tests/jobs/test_worker_killed.py only, loaded into the test's worker with
`--include`: in a worker started with HOLD_THE_JOB=1 it blocks until the worker is killed;
anywhere else it finishes at once."""

import os
import time

from jobs.registry import JobContext, job

NAME = "tests.blocks_until_killed"


@job(
    NAME,
    title="A job that waits to be killed",
    figures={"finished": "Finished"},
    trading_days_only=False,
    per_branch=False,
    needs_calendar=False,
)
def blocks_until_killed(ctx: JobContext) -> dict[str, int]:
    while os.environ.get("HOLD_THE_JOB") == "1":
        time.sleep(0.1)
    return {"finished": 1}
