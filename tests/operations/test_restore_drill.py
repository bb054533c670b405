"""The restore drill end to end, on a real PostgreSQL server with a real WAL archive: a
throwaway cluster of the machine's own PostgreSQL (initdb into a temporary folder, its own
port and socket, archive_command pushing to a pgBackRest repository in the same folder). The
machine's shared server is only read: its migrated test database gives the schema.

Back up, write more, note the time T and every table's count, write more again, lose the
cluster and its media, restore to T: exactly the rows before T are there, and the drill says
which point it reached and how long it took.

Runs where DATABASE_URL is PostgreSQL and pgbackrest, initdb and pg_dump exist; skipped
otherwise, unless CI_REQUIRE_PGBACKREST=1 (the PostgreSQL half of .ci/run) makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from operations.restore import free_port, pg_bin_dir

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROOT = Path(settings.BASE_DIR)
WRITER = Path(__file__).with_name("drill_data.py")
STANZA = "drill"


def _require_tools() -> Path:
    reason = ""
    bin_dir = None
    if connection.vendor != "postgresql":
        reason = "the restore drill needs DATABASE_URL on PostgreSQL"
    elif shutil.which("pgbackrest") is None:
        reason = "pgbackrest is not installed (apt-get install pgbackrest)"
    else:
        try:
            bin_dir = pg_bin_dir()
        except Exception:
            reason = "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
        else:
            if not (bin_dir / "initdb").exists() or not (bin_dir / "pg_dump").exists():
                reason = f"initdb or pg_dump is missing from {bin_dir}"
    if reason:
        if os.environ.get("CI_REQUIRE_PGBACKREST") == "1":
            pytest.fail(f"CI_REQUIRE_PGBACKREST=1 but {reason}")
        pytest.skip(reason)
    assert bin_dir is not None
    return bin_dir


class Drill:
    """The throwaway cluster and the processes of this project pointed at it."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix="restore-drill-"))
        self.port = free_port()
        # PostgreSQL refuses to run as root; the machine's postgres user runs it there.
        self.owner = "postgres" if os.geteuid() == 0 else None
        self.as_owner = ["runuser", "-u", self.owner, "--"] if self.owner else []
        self.data = self.dir / "data"
        self.media = self.dir / "media"
        for sub in ("log", "repo", "media", "media-backup"):
            (self.dir / sub).mkdir()
        self.config = self.dir / "pgbackrest.conf"
        self.config.write_text(
            "[global]\n"
            f"repo1-path={self.dir / 'repo'}\nlog-path={self.dir / 'log'}\n"
            f"lock-path={self.dir / 'lock'}\nspool-path={self.dir / 'spool'}\n"
            "log-level-console=warn\nstart-fast=y\ncompress-type=none\n"
            f"[{STANZA}]\npg1-path={self.data}\npg1-port={self.port}\n"
            f"pg1-socket-path={self.dir}\n"
        )
        if self.owner:
            for path in [self.dir, *self.dir.iterdir()]:
                shutil.chown(path, self.owner, self.owner)
        self.url = f"postgres://postgres@/branch_ops?host={self.dir}&port={self.port}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_APP_ROLE", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="branch_ops.settings.local",
            DATABASE_URL=self.url,
            MIGRATE_DATABASE_URL=self.url,
            DJANGO_MEDIA_ROOT=str(self.media),
            BACKUPS_ENABLED="1",
            PGBACKREST_CONFIG=str(self.config),
            PGBACKREST_STANZA=STANZA,
            PGBACKREST_RUN_AS=self.owner or "",
            BACKUP_MEDIA_DIR=str(self.dir / "media-backup"),
        )

    def owner_runs(self, *command: str | Path, **kwargs) -> str:
        done = subprocess.run(
            [*self.as_owner, *map(str, command)], capture_output=True, text=True, **kwargs
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start(self) -> None:
        self.owner_runs(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = ''\n"
                f"unix_socket_directories = '{self.dir}'\n"
                "wal_level = replica\narchive_mode = on\n"
                f"archive_command = 'pgbackrest --config={self.config} --stanza={STANZA} "
                "archive-push %p'\n"
            )
        self.owner_runs(
            self.bin / "pg_ctl", "-D", self.data, "-l", self.dir / "source.log", "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self.owner_runs(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def psql(self, query: str, database: str = "branch_ops") -> str:
        return self.owner_runs(
            self.bin / "psql", "-X", "-At", "-h", self.dir, "-p", self.port, "-U", "postgres",
            "-d", database, "-c", query,
        ).strip()  # fmt: skip

    def schema_from(self, source_url: str) -> None:
        """The schema the migrations made, copied from the suite's migrated test database:
        a second `migrate` would cost this test most of its time on a busy machine."""
        self.psql("CREATE DATABASE branch_ops", database="postgres")
        dump = subprocess.run(
            [self.bin / "pg_dump", "--no-owner", "--no-privileges", "-d", source_url],
            capture_output=True, check=True,
        )  # fmt: skip
        subprocess.run(
            [*self.as_owner, self.bin / "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
             "-h", str(self.dir), "-p", str(self.port), "-U", "postgres", "-d", "branch_ops"],
            input=dump.stdout, capture_output=True, check=True,
        )  # fmt: skip

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            capture_output=True, text=True, env=self.env, cwd=ROOT, timeout=600,
        )  # fmt: skip
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def counts(self, name: str) -> dict[str, int]:
        path = self.dir / name
        self.manage("restore_drill", "--record-counts", str(path))
        return json.loads(path.read_text())["counts"]

    def server_now(self) -> str:
        """The server's clock (this test process's clock is frozen at the suite's now)."""
        return self.psql(
            "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
        )


def said(message: str) -> str:
    """What the drill's command prints: it speaks the branch's language (the base settings'
    LANGUAGE_CODE), not the tests' English."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _owner_url() -> str:
    """The suite's test database, reached as DATABASE_URL's role (the owner): the schema."""
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{connection.settings_dict['NAME']}"


def test_restore_drill_brings_back_exactly_the_rows_before_the_target_time(capsys):
    drill = Drill(_require_tools())
    writer = None
    try:
        drill.start()
        drill.schema_from(_owner_url())
        writer = subprocess.Popen(
            [sys.executable, str(WRITER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, env=drill.env, cwd=ROOT,
        )  # fmt: skip

        def write(code: str, requests: int = 1) -> None:
            assert writer is not None and writer.stdin and writer.stdout
            writer.stdin.write(f"{code} {requests}\n")
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == f"written {code}"

        write("SH01", requests=2)
        drill.manage("backup_database", "--type", "full")
        write("SH02")
        drill.manage("backup_media")
        # Whole seconds: the target is written to the second, so the last commit before it
        # must be a second behind, and the first after it a second ahead.
        time.sleep(1.2)
        target = drill.server_now() + "+00"
        at_target = drill.counts("at-target.json")
        time.sleep(1.2)
        write("SH03")
        writer.stdin.close()  # type: ignore[union-attr]
        writer.wait(timeout=60)
        after = drill.counts("after.json")
        # The last WAL segment archived (pgbackrest check switches it and waits).
        drill.owner_runs("pgbackrest", f"--config={drill.config}", f"--stanza={STANZA}", "check")

        # The loss: the cluster and the media gone.
        drill.stop(mode="immediate")
        shutil.rmtree(drill.data)
        shutil.rmtree(drill.media)

        done = drill.manage(
            "restore_drill", "--target-time", target, "--into", str(drill.dir / "restored"),
            "--media-into", str(drill.dir / "restored-media"),
            "--expected-counts", str(drill.dir / "at-target.json"),
            check=False,
        )  # fmt: skip
        output = done.stdout + done.stderr
        assert done.returncode == 0, output
    finally:
        if writer is not None and writer.poll() is None:
            writer.kill()
        drill.stop()
        shutil.rmtree(drill.dir, ignore_errors=True)

    # Something was written after the target, so a restore to the latest point would differ.
    for table in ("accounts_branch", "transfers_transferrequest", "archives_archiverecord"):
        assert after[table] > at_target[table] > 0
        assert f"{table}: {at_target[table]} = {at_target[table]}" in output
    assert "== row counts: ok" in output
    assert "== append-only triggers: ok" in output
    assert "== numbering: ok" in output
    assert "== archive integrity: ok" in output
    assert said("every file matches its manifest") in output
    recovery, elapsed = said("Recovery point: {point}")[:-7], said("Elapsed: {elapsed}")[:-9]
    assert recovery in output and elapsed in output
    assert said("The restore drill passed.") in output
    # The drill's report in the run's log (.ci/run's PostgreSQL half): its checks, the
    # recovery point reached and the time it took.
    with capsys.disabled():
        shown = [ln for ln in output.splitlines() if ln.startswith(("==", recovery, elapsed))]
        print("\n[restore drill] target " + target + "\n" + "\n".join(shown))
