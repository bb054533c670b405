"""The drill's rules that need no PostgreSQL cluster: the checks that judge a restored copy
(numbering, counts), the target time it accepts, the backups' type and schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F
from django.test import override_settings

from jobs.models import JobOutcome, JobRun, JobTrigger
from kernel.calendar import BEIJING
from kernel.errors import InvalidInput
from operations import backup, restore, restore_checks
from operations.jobs_backup import DATABASE_JOB, MEDIA_JOB
from operations.management.commands.backup_scheduler import backups_due
from tests.builders import make_archives_branch, to_completed
from transfers.models import ReceiptCounter


@pytest.mark.django_db
def test_receipt_numbers_without_a_hole_pass_and_a_hole_fails():
    arch = make_archives_branch("SH01")
    to_completed(arch.people, arch.customer("ordinary"))

    assert restore_checks.numbering_gaps().ok

    # A counter ahead of the receipts: number 2 was handed out and its request is not there.
    ReceiptCounter.objects.update(last_number=F("last_number") + 1)
    result = restore_checks.numbering_gaps()
    assert not result.ok
    assert any("WITH GAPS" in line for line in result.lines)


def test_a_table_with_another_count_than_at_the_target_fails():
    same = restore_checks.counts_compare(restored={"a": 2, "b": 1}, expected={"a": 2, "b": 1})
    assert same.ok
    more = restore_checks.counts_compare(restored={"a": 3, "b": 1}, expected={"a": 2, "b": 1})
    assert not more.ok
    assert "a: 3 ≠ 2" in more.lines
    lost = restore_checks.counts_compare(restored={"a": 2}, expected={"a": 2, "b": 1})
    assert not lost.ok


def test_the_target_time_must_carry_its_offset():
    moment = restore.parse_target("2026-12-01 21:30:00+08")
    assert moment == dt.datetime(2026, 12, 1, 13, 30, tzinfo=dt.UTC)
    with pytest.raises(InvalidInput, match="UTC offset"):
        restore.parse_target("2026-12-01 21:30:00")
    with pytest.raises(InvalidInput):
        restore.parse_target("yesterday")


@override_settings(BACKUP_FULL_WEEKDAY=7)
def test_a_full_backup_on_its_weekday_or_when_there_is_none_a_differential_otherwise():
    sunday, monday = dt.date(2026, 11, 29), dt.date(2026, 11, 30)
    assert backup.database_backup_type(today=sunday, repository_has_full=True) == "full"
    assert backup.database_backup_type(today=monday, repository_has_full=True) == "diff"
    assert backup.database_backup_type(today=monday, repository_has_full=False) == "full"


@pytest.mark.django_db
@override_settings(BACKUP_TIME="01:30")
def test_the_nightly_backups_are_due_once_after_their_time():
    before = dt.datetime(2026, 12, 1, 1, 0, tzinfo=BEIJING)
    after = dt.datetime(2026, 12, 1, 1, 45, tzinfo=BEIJING)
    # Nothing ran yet: at 01:00 yesterday's 01:30 is still owed, and at 01:45 today's.
    assert backups_due(now=before) == [DATABASE_JOB, MEDIA_JOB]
    JobRun.objects.create(
        name=DATABASE_JOB,
        business_date=after.date(),
        trigger=JobTrigger.SCHEDULE,
        outcome=JobOutcome.SUCCEEDED,
    )
    # queued_at is now (the suite's frozen clock, days earlier): move it to 01:40 today.
    JobRun.objects.update(queued_at=dt.datetime(2026, 12, 1, 1, 40, tzinfo=BEIJING))
    assert backups_due(now=after) == [MEDIA_JOB]
