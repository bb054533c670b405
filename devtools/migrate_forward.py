"""Proof that a database made by an older commit migrates forward with every row kept.

    .venv/bin/python devtools/migrate_forward.py OLD_COMMIT [--postgres postgres://…/postgres]

Checks out OLD_COMMIT beside this tree, installs it into its own virtualenv, builds the demo
database the way its `make run` did (migrate, seed_demo, seed_retention_demo,
archives_seed_demo), copies it, migrates the copy with this tree's code and prints the row
count of every table before and after. With --postgres it also compares the migrated
schema with one migrated fresh by this tree (pg_dump --schema-only). Exits 1 when a table
lost rows or the schemas differ."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SEEDS = [
    ["migrate", "--no-input", "-v0"],
    ["seed_demo", "--quiet"],
    ["seed_retention_demo"],
    ["archives_seed_demo"],
]


def run(cmd: list[str], **kwargs: object) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]


def manage(python: Path, tree: Path, url: str, *args: str, media: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "branch_ops.settings.local",
        "DATABASE_URL": url,
        "DJANGO_MEDIA_ROOT": str(media),
    }
    run([str(python), "manage.py", *args], cwd=tree, env=env)


def row_counts(url: str) -> dict[str, int]:
    if url.startswith("sqlite:///"):
        import sqlite3

        cursor = sqlite3.connect(url.removeprefix("sqlite:///")).cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        import psycopg2

        cursor = psycopg2.connect(url).cursor()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = sorted(row[0] for row in cursor.fetchall())
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


# Tables a migration retires on purpose, each with the table its rows move into: the
# overdue-commitment escalations became rows of the one notices ledger.
RETIRED = {"retention_commitmentescalation": "branch_ops_dailynotice"}


def compare(before: dict[str, int], after: dict[str, int]) -> bool:
    lost = {
        t: (n, after.get(t)) for t, n in before.items() if t not in RETIRED and after.get(t, -1) < n
    }
    for retired, successor in RETIRED.items():
        if retired in before and retired not in after:
            carried = before.get(successor, 0) + before[retired]
            if after.get(successor, 0) < carried:
                lost[retired] = (before[retired], after.get(successor))
            print(f"  retired {retired} ({before[retired]} rows) into {successor}")
    grown = {t: (before.get(t), n) for t, n in after.items() if n != before.get(t)}
    rows = f"{sum(before.values())} -> {sum(after.values())}"
    print(f"  tables {len(before)} -> {len(after)}, rows {rows}")
    print(f"  changed: {json.dumps(grown)}")
    if lost:
        print(f"  LOST ROWS: {json.dumps(lost)}")
    return not lost


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("commit")
    parser.add_argument("--postgres", help="a PostgreSQL URL of a maintenance database")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="migrate-forward-"))
    old, venv = work / "old", work / "venv"
    run(["git", "worktree", "add", "--detach", str(old), args.commit], cwd=HERE)
    try:
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(venv / "bin" / "pip"), "install", "--quiet", str(old)], stderr=subprocess.DEVNULL)
        ok = True
        urls = [(f"sqlite:///{work / 'old.sqlite3'}", f"sqlite:///{work / 'new.sqlite3'}")]
        if args.postgres:
            import psycopg2

            admin = psycopg2.connect(args.postgres)
            admin.autocommit = True
            for name in ("forward_old", "forward_new", "forward_fresh"):
                admin.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
            admin.cursor().execute("CREATE DATABASE forward_old")
            base = args.postgres.rsplit("/", 1)[0]
            urls.append((f"{base}/forward_old", f"{base}/forward_new"))
        for old_url, new_url in urls:
            print(old_url.split(":")[0])
            for seed in SEEDS:
                manage(venv / "bin" / "python", old, old_url, *seed, media=work / "media")
            before = row_counts(old_url)
            if old_url.startswith("sqlite"):
                shutil.copy(old_url.removeprefix("sqlite:///"), new_url.removeprefix("sqlite:///"))
            else:
                admin.cursor().execute("CREATE DATABASE forward_new TEMPLATE forward_old")
            manage(
                Path(sys.executable),
                HERE,
                new_url,
                "migrate",
                "--no-input",
                "-v0",
                media=work / "media",
            )
            ok &= compare(before, row_counts(new_url))
        if args.postgres:
            admin.cursor().execute("CREATE DATABASE forward_fresh")
            fresh = f"{base}/forward_fresh"
            manage(
                Path(sys.executable),
                HERE,
                fresh,
                "migrate",
                "--no-input",
                "-v0",
                media=work / "media",
            )
            dumps = []
            for url in (f"{base}/forward_new", fresh):
                dump = subprocess.run(
                    ["pg_dump", "--schema-only", url], capture_output=True, text=True, check=True
                ).stdout
                dumps.append(
                    [
                        line
                        for line in dump.splitlines()
                        if line and not line.startswith(("--", "\\restrict", "\\unrestrict"))
                    ]
                )
            same = dumps[0] == dumps[1]
            print(f"  schema migrated forward {'equals' if same else 'DIFFERS FROM'} a fresh one")
            ok &= same
        return 0 if ok else 1
    finally:
        run(["git", "worktree", "remove", "--force", str(old)], cwd=HERE)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
