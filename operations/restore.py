"""The restore drill: the database to a chosen moment and the media into a fresh place, then
the checks of operations/restore_checks.py against the copy (JR/T 0059: backups are proven by
restoring them).

1. `pgbackrest restore --type=time` into an empty data directory (archive_mode off in the
   copy, so it never pushes WAL into the repository it came from);
2. PostgreSQL started on it on a free port, its socket in the drill's folder, no TCP
   listener; it replays the WAL archive up to the target and promotes;
3. the media snapshot for that moment copied out and checked against its manifest;
4. a second process of this project, pointed at the copy (DATABASE_URL, DJANGO_MEDIA_ROOT),
   runs the checks: the Django code that wrote the data is the code that checks it;
5. the copy is stopped (unless kept), and the recovery point and the elapsed time printed.

Row counts "as of the target" need a witness. A rehearsal (the CI's drill) records every
table's count at the target time (`restore_drill --record-counts FILE`) and the copy must
match it exactly. A drill on production has no such record: it compares with the live
database instead, where what can be proven is proven — the append-only tables' restored rows
are the live rows of the same ids, unchanged — and the other tables' counts are shown side by
side (they move on after the target).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from kernel.errors import InvalidInput, InvalidState

from . import backup

# pg_ctl, psql: Debian's layout first, then the PATH.
_PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def pg_bin_dir() -> Path:
    found = sorted(Path("/").glob(_PG_BIN_GLOB.lstrip("/")), key=lambda p: int(p.parent.name))
    if found:
        return found[-1]
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(pg_ctl).parent
    raise InvalidState(_("PostgreSQL's server programs (pg_ctl) are not installed here."))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def parse_target(text: str) -> dt.datetime:
    """ "2026-12-01 21:30:00+08" (the offset is required: a moment, not a wall-clock time)."""
    cleaned = text.strip()
    if re.search(r"[+-]\d{2}$", cleaned):
        cleaned += ":00"
    try:
        moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(
            _("Write the target time as YYYY-MM-DD HH:MM:SS+08 (with its UTC offset).")
        )
    return moment


@dataclass
class Cluster:
    data: Path
    socket_dir: Path
    port: int
    run_as: str | None
    pg_bin: Path

    def _as(self, command: list[str]) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *command] if self.run_as else command

    def run(self, command: list[str], *, timeout: int = 600) -> str:
        done = subprocess.run(
            self._as(command), capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise InvalidState(
                _("{program} failed: {output}").format(
                    program=Path(command[0]).name,
                    output=" / ".join((done.stderr or done.stdout).strip().splitlines()[-5:]),
                )
            )
        return done.stdout

    def sql(self, query: str, *, database: str = "postgres", user: str | None = None) -> str:
        command = [str(self.pg_bin / "psql"), "-X", "-At", "-h", str(self.socket_dir)]
        command += ["-p", str(self.port), "-d", database, "-c", query]
        if user:
            command += ["-U", user]
        return self.run(command, timeout=60).strip()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses='' -c archive_mode=off"
        self.run(
            [
                *[str(self.pg_bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log)],
                *["-w", "-t", "600", "-o", options, "start"],
            ],
            timeout=660,
        )

    def stop(self) -> None:
        self.run([str(self.pg_bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    @property
    def log(self) -> Path:
        return self.socket_dir / "postgresql.log"


def _own(path: Path, user: str | None) -> None:
    if user:
        shutil.chown(path, user, user)


def database_restore(
    *,
    target: dt.datetime | None,
    into: Path,
    run_as: str | None,
    user: str,
    port: int | None = None,
    config: str | None = None,
    stanza: str | None = None,
) -> tuple[Cluster, str]:
    """The database restored into `into`/data and started; returns it with the recovery point
    reached (the last transaction replayed, and PostgreSQL's own line saying where it stopped)."""
    if into.exists() and any(into.iterdir()):
        raise InvalidInput(
            _("The folder {path} is not empty: restore into a new one.").format(path=into)
        )
    into.mkdir(parents=True, exist_ok=True)
    data = into / "data"
    data.mkdir(mode=0o700)
    _own(into, run_as)
    _own(data, run_as)
    cluster = Cluster(
        data=data, socket_dir=into, port=port or free_port(), run_as=run_as, pg_bin=pg_bin_dir()
    )
    options = [f"--pg1-path={data}", "--archive-mode=off"]
    if target is not None:
        options += [
            "--type=time",
            f"--target={target.isoformat(sep=' ')}",
            "--target-action=promote",
        ]
    cluster.run(
        backup.pgbackrest_command(*options, "restore", config=config, stanza=stanza),
        timeout=6 * 3600,
    )
    cluster.start()
    deadline = time.monotonic() + 600
    while cluster.sql("SELECT pg_is_in_recovery()", user=user) != "f":
        if time.monotonic() > deadline:
            raise InvalidState(_("The restored database did not finish its recovery in time."))
        time.sleep(0.5)
    replayed = cluster.sql("SELECT pg_last_xact_replay_timestamp()", user=user)
    stopped = ""
    if cluster.log.exists():
        for line in cluster.log.read_text(errors="replace").splitlines():
            if "recovery stopping" in line or "consistent recovery state" in line:
                stopped = line.split(":  ", 1)[-1]
    point = replayed or _("the end of the WAL archive")
    return cluster, f"{point} ({stopped})" if stopped else point


def database_url(*, cluster: Cluster, name: str, user: str) -> str:
    """The copy's address through its socket folder, as libpq's host and port parameters
    (django-environ passes the query on to the driver as it is)."""
    from urllib.parse import quote

    return (
        f"postgres://{quote(user)}@/{quote(name)}"
        f"?host={quote(str(cluster.socket_dir), safe='/')}&port={cluster.port}"
    )


def checks_run(
    *,
    restored_url: str,
    media: Path | None,
    expected_counts: Path | None,
    compare_with_source: bool,
) -> tuple[bool, str]:
    """Run the checks in a process of this project pointed at the copy."""
    env = {**os.environ, "DATABASE_URL": restored_url, "MIGRATE_DATABASE_URL": restored_url}
    for name in ("DATABASE_APP_ROLE", "REDIS_URL"):
        env.pop(name, None)
    if media is not None:
        env["DJANGO_MEDIA_ROOT"] = str(media)
    if compare_with_source:
        source = settings.DATABASES["default"]
        keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
        env["DRILL_SOURCE_DATABASE"] = json.dumps({k: source.get(k) for k in keys})
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "restore_drill"]
    command += ["--check-only"]
    if expected_counts is not None:
        command += ["--expected-counts", str(expected_counts)]
    if media is None:
        command += ["--no-media"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3600)
    return done.returncode == 0, (done.stdout + done.stderr).strip()
