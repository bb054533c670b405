"""Backups of what cannot be rebuilt (JR/T 0059): the database and the media.

- The database through pgBackRest: PostgreSQL archives every WAL segment to pgBackRest's
  repository (archive_command), and backup_database() takes the periodic base backup (full
  once a week, differential on the other days) and expires what BACKUP_RETENTION_FULL no
  longer keeps. Any moment since the oldest kept full backup can be restored
  (operations/restore.py).
- The media (archive scans, generated PDFs, readers' copies) as dated snapshots under
  BACKUP_MEDIA_DIR, each with a SHA-256 manifest in `sha256sum` format; a file unchanged
  since the previous snapshot is hard-linked to it rather than copied, so a daily snapshot
  costs only what changed. BACKUP_MEDIA_KEEP snapshots are kept.

The keys (DJANGO_SECRET_KEY, PII_ENCRYPTION_KEYS, PII_HASH_KEY) are in the environment, never
in the database or the media, so neither backup holds them; a file that looks like a key is
refused from the media snapshot all the same (KEY_LIKE).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.errors import InvalidInput, InvalidState

MANIFEST = "MANIFEST.sha256"
# A snapshot is written under this prefix and renamed when complete: a half-written one is
# never taken for a snapshot, and the next run removes it.
PARTIAL = ".partial-"
SNAPSHOT_FORMAT = "%Y%m%dT%H%M%SZ"
# Never in a backup of the media: what could hold a key or a credential, were one ever
# dropped there by mistake.
KEY_LIKE = (".env", "*.env", "*.key", "*.pem", "*.p12", "*.pfx", "pgbackrest.conf", "id_rsa*")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _key_like(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in KEY_LIKE)


def manifest_read(snapshot: Path) -> dict[str, str]:
    """The manifest of a snapshot: relative path → SHA-256."""
    entries: dict[str, str] = {}
    manifest = snapshot / MANIFEST
    if not manifest.exists():
        return entries
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, _sep, name = line.partition("  ")
        if name:
            entries[name] = digest
    return entries


def media_snapshots(backup_dir: Path | None = None) -> list[Path]:
    """The complete snapshots, oldest first."""
    root = Path(backup_dir or settings.BACKUP_MEDIA_DIR)
    if not root.is_dir():
        return []
    return sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(PARTIAL) and (p / MANIFEST).exists()
    )


def snapshot_taken_at(snapshot: Path) -> dt.datetime:
    return dt.datetime.strptime(snapshot.name, SNAPSHOT_FORMAT).replace(tzinfo=dt.UTC)


@dataclass
class MediaBackup:
    snapshot: Path
    files: int = 0
    bytes: int = 0
    copied: int = 0
    linked: int = 0
    refused: list[str] = field(default_factory=list)
    expired: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "files": self.files,
            "bytes": self.bytes,
            "copied": self.copied,
            "linked": self.linked,
            "refused": len(self.refused),
            "expired": self.expired,
        }


def media_backup(
    *,
    media_root: Path | None = None,
    backup_dir: Path | None = None,
    keep: int | None = None,
    now: dt.datetime | None = None,
) -> MediaBackup:
    """A dated snapshot of MEDIA_ROOT with its manifest; unchanged files hard-linked to the
    previous snapshot; the oldest snapshots beyond `keep` removed."""
    source = Path(media_root or settings.MEDIA_ROOT).resolve()
    root = Path(backup_dir or settings.BACKUP_MEDIA_DIR).resolve()
    keep = settings.BACKUP_MEDIA_KEEP if keep is None else keep
    if keep < 1:
        raise InvalidInput(_("BACKUP_MEDIA_KEEP must keep at least one snapshot."))
    if root == source or source in root.parents:
        # A snapshot inside the media would copy every earlier snapshot into the next.
        raise InvalidInput(
            _(
                "BACKUP_MEDIA_DIR must be outside MEDIA_ROOT ({media}): choose another folder."
            ).format(media=source)
        )
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(PARTIAL + "*"):
        shutil.rmtree(stale, ignore_errors=True)
    name = (now or timezone.now()).astimezone(dt.UTC).strftime(SNAPSHOT_FORMAT)
    final = root / name
    if final.exists():
        raise InvalidState(
            _(
                "A media snapshot named {name} already exists: wait a second and run it again."
            ).format(name=name)
        )
    previous = media_snapshots(root)
    before = previous[-1] if previous else None
    before_digests = manifest_read(before) if before else {}
    work = root / (PARTIAL + name)
    work.mkdir()
    result = MediaBackup(snapshot=final)
    lines: list[str] = []
    if source.is_dir():
        for directory, dirnames, filenames in os.walk(source):
            dirnames.sort()
            for filename in sorted(filenames):
                path = Path(directory) / filename
                relative = path.relative_to(source).as_posix()
                if _key_like(filename):
                    result.refused.append(relative)
                    continue
                if not path.is_file():
                    continue
                digest = _sha256(path)
                target = work / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                old = before / relative if before else None
                if old is not None and before_digests.get(relative) == digest and old.is_file():
                    os.link(old, target)
                    result.linked += 1
                else:
                    shutil.copy2(path, target)
                    result.copied += 1
                result.files += 1
                result.bytes += path.stat().st_size
                lines.append(f"{digest}  {relative}")
    (work / MANIFEST).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    work.rename(final)
    for old_snapshot in media_snapshots(root)[:-keep]:
        shutil.rmtree(old_snapshot)
        result.expired += 1
    return result


@dataclass
class SnapshotProblems:
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.unlisted)


def media_verify(*, snapshot: Path, against: Path | None = None) -> SnapshotProblems:
    """Every file of `against` (the snapshot itself, or a copy restored from it) hashed again
    and compared with the snapshot's manifest."""
    tree = against or snapshot
    expected = manifest_read(snapshot)
    problems = SnapshotProblems()
    for relative, digest in sorted(expected.items()):
        path = tree / relative
        if not path.is_file():
            problems.missing.append(relative)
        elif _sha256(path) != digest:
            problems.changed.append(relative)
    for directory, _dirs, filenames in os.walk(tree):
        for filename in filenames:
            relative = (Path(directory) / filename).relative_to(tree).as_posix()
            if relative != MANIFEST and relative not in expected:
                problems.unlisted.append(relative)
    return problems


def media_restore(*, snapshot: Path, into: Path) -> SnapshotProblems:
    """Copy a snapshot into a fresh folder and check the copy against the manifest."""
    if into.exists() and any(into.iterdir()):
        raise InvalidInput(
            _("The folder {path} is not empty: restore the media into a new one.").format(path=into)
        )
    shutil.copytree(snapshot, into, dirs_exist_ok=True, ignore=shutil.ignore_patterns(MANIFEST))
    return media_verify(snapshot=snapshot, against=into)


def media_snapshot_for(*, target: dt.datetime | None, backup_dir: Path | None = None) -> Path:
    """The snapshot to restore with the database as of `target`: the first taken at or after
    it (archive files are only ever added, so it holds every file the database names then;
    files added later are merely unreferenced), else the latest."""
    snapshots = media_snapshots(backup_dir)
    if not snapshots:
        raise InvalidState(_("There is no media snapshot to restore: run backup_media first."))
    if target is not None:
        for snapshot in snapshots:
            if snapshot_taken_at(snapshot) >= target:
                return snapshot
    return snapshots[-1]


# The database: pgBackRest.


def pgbackrest_command(
    *args: str, config: str | None = None, stanza: str | None = None
) -> list[str]:
    return [
        "pgbackrest",
        f"--config={config or settings.PGBACKREST_CONFIG}",
        f"--stanza={stanza or settings.PGBACKREST_STANZA}",
        *args,
    ]


def run_as_prefix() -> list[str]:
    """pgBackRest runs as the cluster's owner (its repository and the WAL that archive_command
    pushes belong to that user): PGBACKREST_RUN_AS when this process is someone else, such as
    root on a CI machine; in the backup container both are postgres and it is empty."""
    user = settings.PGBACKREST_RUN_AS
    return ["runuser", "-u", user, "--"] if user else []


def _run(command: list[str], *, timeout: int = 6 * 3600) -> str:
    if shutil.which(command[0]) is None:
        raise InvalidState(
            _(
                "{program} is not installed here: run the backups where it is (README, Operations)."
            ).format(program=command[0])
        )
    done = subprocess.run(
        run_as_prefix() + command, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise InvalidState(
            _("{program} failed (exit {code}): {output}").format(
                program=" ".join(command[:1] + command[3:]),
                code=done.returncode,
                output=" / ".join(tail),
            )
        )
    return done.stdout


def database_backup_type(*, today: dt.date, repository_has_full: bool) -> str:
    """A full backup on BACKUP_FULL_WEEKDAY (ISO, 7 = Sunday) or when the repository has none;
    a differential (changes since the last full) on the other days: a restore needs at most
    one full and one differential plus the WAL since."""
    if not repository_has_full or today.isoweekday() == settings.BACKUP_FULL_WEEKDAY:
        return "full"
    return "diff"


def database_backups(*, config: str | None = None, stanza: str | None = None) -> list[dict]:  # type: ignore[type-arg]
    """pgBackRest's list of the stanza's backups, oldest first ([] before the first)."""
    output = _run(pgbackrest_command("--output=json", "info", config=config, stanza=stanza))
    stanzas = json.loads(output or "[]")
    return list(stanzas[0].get("backup", [])) if stanzas else []


@dataclass
class DatabaseBackup:
    label: str
    kind: str
    bytes: int
    database_bytes: int
    kept_full: int

    def counts(self) -> dict[str, int]:
        return {
            "bytes": self.bytes,
            "database_bytes": self.database_bytes,
            "kept_full": self.kept_full,
        }


def database_backup(
    *, kind: str | None = None, config: str | None = None, stanza: str | None = None
) -> DatabaseBackup:
    """One base backup of the cluster, then the expiry of what the retention no longer keeps
    (the WAL older than the oldest kept full backup goes with it)."""
    if kind not in (None, "full", "diff", "incr"):
        raise InvalidInput(_("The backup type is full, diff or incr."))
    # Idempotent: creates the stanza the first time, checks it afterwards.
    _run(pgbackrest_command("stanza-create", config=config, stanza=stanza))
    before = database_backups(config=config, stanza=stanza)
    kind = kind or database_backup_type(
        today=timezone.localdate(), repository_has_full=any(b["type"] == "full" for b in before)
    )
    retention = f"--repo1-retention-full={settings.BACKUP_RETENTION_FULL}"
    _run(pgbackrest_command(f"--type={kind}", retention, "backup", config=config, stanza=stanza))
    _run(pgbackrest_command(retention, "expire", config=config, stanza=stanza))
    after = database_backups(config=config, stanza=stanza)
    if not after:
        raise InvalidState(_("pgBackRest reports no backup after the backup ran."))
    last = after[-1]
    return DatabaseBackup(
        label=last["label"],
        kind=last["type"],
        bytes=int(last["info"]["repository"]["delta"]),
        database_bytes=int(last["info"]["size"]),
        kept_full=sum(1 for b in after if b["type"] == "full"),
    )
