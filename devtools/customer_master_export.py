"""A generated customer-master export as the core system writes it (GB18030 CSV, the branch
on the first line): N customers, and a night's delta of changed ones, for the go-live guide
and the benchmark. The identity numbers carry valid GB 11643 check digits."""

from __future__ import annotations

import random
from pathlib import Path

from accounts.validators import gb11643_check_character
from core_system.customer_master import COLUMNS

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _row(n: int, managers: list[str], rng: random.Random, *, bump: int = 0) -> list[str]:
    first = f"44030{n % 10}19{70 + n % 30:02d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    institution = n % 50 == 0
    return [
        "institution" if institution else "individual",
        f"{SURNAMES[n % len(SURNAMES)]}客户{n}" + ("有限公司" if institution else ""),
        "resident_id",  # an institution's legal representative's, as the exports carry
        first + gb11643_check_character(first),
        f"13{n % 10}{n:08d}"[:11],
        f"88{n:08d}",
        f"A{n:09d}",
        "1" if n % 3 else "0",
        f"0{n:09d}",
        "071000",
        "remote" if n % 4 == 0 else "counter",
        f"20{10 + n % 14:02d}-0{1 + n % 9}-1{n % 10}",
        "active",
        managers[n % len(managers)],
        f"{rng.randint(0, 8_000_000) + bump}.00",
        f"{rng.randint(0, 50_000_000)}.00",
    ]


def write_export(
    path: Path, *, branch: str, count: int, managers: list[str], changed: int = 0, seed: int = 7
) -> Path:
    """`count` customers; with `changed`, the same customers with that many changed (a new
    phone, new figures, every tenth a new manager): the night's delta lists only those."""
    rng = random.Random(seed)
    lines = [f"branch,{branch}", ",".join(COLUMNS)]
    picked = sorted(random.Random(seed + 1).sample(range(count), changed)) if changed else None
    for n in picked if picked is not None else range(count):
        row = _row(n, managers, rng)
        if picked is not None:
            row[4] = f"199{n:08d}"[:11]
            row[14] = f"{rng.randint(0, 9_000_000)}.00"
            if n % 10 == 0:
                row[13] = managers[(n + 1) % len(managers)]
        lines.append(",".join(row))
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    return path
