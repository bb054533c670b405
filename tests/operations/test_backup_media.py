"""The media's backup (operations/backup.py): dated snapshots with a SHA-256 manifest,
unchanged files hard-linked to the previous snapshot, a changed file detected, keys never
copied, the retention kept, and the run recorded as the job the jobs page shows."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.test import override_settings

from jobs.models import JobOutcome, JobRun, JobTrigger
from jobs.registry import job_run
from kernel.errors import InvalidInput
from operations import backup
from operations.jobs_backup import MEDIA_JOB

MOMENT = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)


def _later(minutes: int) -> dt.datetime:
    return MOMENT + dt.timedelta(minutes=minutes)


@pytest.fixture
def media(tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "archives" / "SH01").mkdir(parents=True)
    (root / "archives" / "SH01" / "scan.pdf").write_bytes(b"%PDF-1.4 scan")
    (root / "papers").mkdir()
    (root / "papers" / "receipt.pdf").write_bytes(b"%PDF-1.4 receipt")
    return root


def test_snapshot_lists_every_file_with_its_sha256(media: Path, tmp_path: Path):
    result = backup.media_backup(media_root=media, backup_dir=tmp_path / "b", keep=3, now=MOMENT)

    manifest = backup.manifest_read(result.snapshot)
    assert manifest == {
        "archives/SH01/scan.pdf": hashlib.sha256(b"%PDF-1.4 scan").hexdigest(),
        "papers/receipt.pdf": hashlib.sha256(b"%PDF-1.4 receipt").hexdigest(),
    }
    assert (result.snapshot / "papers" / "receipt.pdf").read_bytes() == b"%PDF-1.4 receipt"
    assert result.snapshot.name == "20261201T180000Z"
    assert (result.files, result.copied, result.linked) == (2, 2, 0)
    assert backup.media_verify(snapshot=result.snapshot).ok


def test_unchanged_files_are_hard_linked_and_changed_ones_copied(media: Path, tmp_path: Path):
    first = backup.media_backup(media_root=media, backup_dir=tmp_path / "b", keep=3, now=MOMENT)
    (media / "papers" / "receipt.pdf").write_bytes(b"%PDF-1.4 receipt, reprinted")

    second = backup.media_backup(media_root=media, backup_dir=tmp_path / "b", keep=3, now=_later(1))

    scan = "archives/SH01/scan.pdf"
    assert (second.snapshot / scan).stat().st_ino == (first.snapshot / scan).stat().st_ino
    receipt = "papers/receipt.pdf"
    assert (second.snapshot / receipt).stat().st_ino != (first.snapshot / receipt).stat().st_ino
    assert (first.snapshot / receipt).read_bytes() == b"%PDF-1.4 receipt"
    assert (second.copied, second.linked) == (1, 1)


def test_a_file_changed_in_a_snapshot_is_detected(media: Path, tmp_path: Path):
    result = backup.media_backup(media_root=media, backup_dir=tmp_path / "b", keep=3, now=MOMENT)
    (result.snapshot / "archives" / "SH01" / "scan.pdf").write_bytes(b"%PDF-1.4 tampered")
    (result.snapshot / "papers" / "receipt.pdf").unlink()

    problems = backup.media_verify(snapshot=result.snapshot)

    assert not problems.ok
    assert problems.changed == ["archives/SH01/scan.pdf"]
    assert problems.missing == ["papers/receipt.pdf"]


def test_a_restored_copy_is_checked_against_the_manifest(media: Path, tmp_path: Path):
    result = backup.media_backup(media_root=media, backup_dir=tmp_path / "b", keep=3, now=MOMENT)

    restored = tmp_path / "restored"
    assert backup.media_restore(snapshot=result.snapshot, into=restored).ok
    assert (restored / "archives" / "SH01" / "scan.pdf").read_bytes() == b"%PDF-1.4 scan"
    assert not (restored / backup.MANIFEST).exists()
    with pytest.raises(InvalidInput):
        backup.media_restore(snapshot=result.snapshot, into=restored)


def test_files_that_look_like_keys_are_never_copied(media: Path, tmp_path: Path):
    (media / ".env").write_text("PII_HASH_KEY=secret")
    (media / "papers" / "server.key").write_text("-----BEGIN PRIVATE KEY-----")

    result = backup.media_backup(media_root=media, backup_dir=tmp_path / "b", keep=3, now=MOMENT)

    assert sorted(result.refused) == [".env", "papers/server.key"]
    assert not (result.snapshot / ".env").exists()
    assert not (result.snapshot / "papers" / "server.key").exists()
    assert ".env" not in backup.manifest_read(result.snapshot)


def test_only_the_newest_snapshots_are_kept(media: Path, tmp_path: Path):
    for minute in range(4):
        backup.media_backup(media_root=media, backup_dir=tmp_path / "b", keep=2, now=_later(minute))

    names = [s.name for s in backup.media_snapshots(tmp_path / "b")]
    assert names == ["20261201T180200Z", "20261201T180300Z"]
    # Removing the oldest leaves the linked files of the newer ones whole.
    assert backup.media_verify(snapshot=backup.media_snapshots(tmp_path / "b")[-1]).ok


def test_a_backup_folder_inside_the_media_is_refused(media: Path):
    with pytest.raises(InvalidInput, match="outside MEDIA_ROOT"):
        backup.media_backup(media_root=media, backup_dir=media / "backups", keep=3)


def test_the_snapshot_for_a_target_is_the_first_taken_at_or_after_it(media: Path, tmp_path: Path):
    for minute in (0, 10, 20):
        backup.media_backup(media_root=media, backup_dir=tmp_path / "b", keep=5, now=_later(minute))

    chosen = backup.media_snapshot_for(target=_later(5), backup_dir=tmp_path / "b")
    assert chosen.name == "20261201T181000Z"
    latest = backup.media_snapshot_for(target=_later(60), backup_dir=tmp_path / "b")
    assert latest.name == "20261201T182000Z"


@pytest.mark.django_db
def test_the_media_backup_is_a_recorded_job_with_its_size(media: Path, tmp_path: Path):
    with override_settings(BACKUPS_ENABLED=True, MEDIA_ROOT=media, BACKUP_MEDIA_DIR=tmp_path / "b"):
        run = job_run(name=MEDIA_JOB, business_date=MOMENT.date(), trigger=JobTrigger.COMMAND)

    assert run.outcome == JobOutcome.SUCCEEDED
    assert run.counts["files"] == 2
    assert run.counts["bytes"] == len(b"%PDF-1.4 scan") + len(b"%PDF-1.4 receipt")
    assert JobRun.objects.filter(name=MEDIA_JOB, outcome=JobOutcome.SUCCEEDED).exists()


@pytest.mark.django_db
def test_backups_turned_off_are_a_skipped_run_that_says_so(media: Path, tmp_path: Path):
    with override_settings(
        BACKUPS_ENABLED=False, MEDIA_ROOT=media, BACKUP_MEDIA_DIR=tmp_path / "b"
    ):
        run = job_run(name=MEDIA_JOB, business_date=MOMENT.date(), trigger=JobTrigger.COMMAND)

    assert run.outcome == JobOutcome.SKIPPED
    assert "BACKUPS_ENABLED" in run.message
    assert not (tmp_path / "b").exists()
