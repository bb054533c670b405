"""A small data set for the restore drill's test, written through the project's own services
(tests/builders.py) in a process of its own, pointed at the drill's throwaway cluster by
DATABASE_URL. Each line read from stdin names a branch and how many completed requests
(their receipts and audit trails) and filed archive records (their numbers and scanned
files) to write there; the answer "written CODE" comes once they are committed. One process
for every step: the factories' sequences (usernames, fund accounts) go on from one branch to
the next.

    printf 'SH01 2\nSH02 1\n' | python tests/operations/drill_data.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branch_ops.settings.local")

import django

django.setup()

import time_machine  # noqa: E402

from kernel.calendar import calendar_seed_from_package  # noqa: E402
from tests.builders import (  # noqa: E402
    TEST_NOW,
    filed_record,
    make_archives_branch,
    to_completed,
)


def write(code: str, *, requests: int = 2) -> None:
    # The builders' rules hold at the suite's trading-day morning; PostgreSQL still stamps
    # each commit with the real time, which is what the point-in-time recovery goes by.
    with time_machine.travel(TEST_NOW, tick=True):
        arch = make_archives_branch(code)
        for _n in range(requests):
            to_completed(arch.people, arch.customer("ordinary"))
            filed_record(arch)


if __name__ == "__main__":
    calendar_seed_from_package(first_year=2024)
    for line in sys.stdin:
        code, _sep, requests = line.strip().partition(" ")
        if code:
            write(code, requests=int(requests or 1))
            print(f"written {code}", flush=True)
