"""Archive numbers are readable and run without gaps per branch, category and year — also
when filings race and when one of them rolls back."""

import datetime as dt

import pytest
from django.db import transaction

from archives import services
from archives.models import ArchiveRecord, Category, Medium
from archives.services.numbering import archive_number_next
from tests.builders import (
    AFTER_CLOSE,
    TODAY,
    filed_record,
    make_archives_branch,
    pdf_bytes,
    to_state,
    upload,
)
from tests.concurrency import all_at_once
from transfers.models import ChurnReason, TransferState


class Rollback(Exception):
    pass


def draft_with_scan(arch, category=Category.INDIVIDUAL):
    record = services.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category=category,
        medium=Medium.ELECTRONIC,
        title="档案",
    )
    services.archive_document_upload(
        record=record, actor=arch.archivist, kind="other", upload=upload("a.pdf", pdf_bytes())
    )
    return record


@pytest.mark.django_db
def test_numbers_are_readable_and_separate_per_category_and_branch(arch, other):
    first = filed_record(arch)
    second = filed_record(arch)
    account = services.archive_record_file(
        record=draft_with_scan(arch, Category.ACCOUNT), actor=arch.archivist
    )
    elsewhere = filed_record(other)

    assert [first.number, second.number] == ["SH01-IND-2026-000001", "SH01-IND-2026-000002"]
    assert account.number == "SH01-ACC-2026-000001"
    assert elsewhere.number == "BJ02-IND-2026-000001"


@pytest.mark.django_db
def test_a_rolled_back_filing_gives_its_number_back(arch):
    filed_record(arch)
    with pytest.raises(Rollback), transaction.atomic():
        services.archive_record_file(record=draft_with_scan(arch), actor=arch.archivist)
        raise Rollback
    after = filed_record(arch)
    assert after.number == "SH01-IND-2026-000002"


@pytest.mark.django_db
def test_a_new_year_starts_again_at_one(arch):
    archive_number_next(branch=arch.branch, category=Category.INDIVIDUAL, year=2026)
    assert archive_number_next(branch=arch.branch, category=Category.INDIVIDUAL, year=2027) == (
        1,
        "SH01-IND-2027-000001",
    )


# --- Races: PostgreSQL only --------------------------------------------------------------


@pytest.fixture
def race_branch(seeded_calendar):
    # A transactional test's flush also empties the reasons the data migration seeded.
    ChurnReason.objects.get_or_create(
        code="moved_away",
        defaults={"name_zh": "住址搬迁、交通不便", "name_en": "Moved house", "article": 20},
    )
    return make_archives_branch()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_number_without_gaps_even_when_one_rolls_back(race_branch):
    arch = race_branch
    filed_record(arch)  # the counter row exists already for some, not for the first race
    drafts = [draft_with_scan(arch) for _n in range(8)]

    def filing(record):
        return lambda: services.archive_record_file(record=record, actor=arch.archivist)

    def filing_then_rollback(record):
        def job():
            with transaction.atomic():
                services.archive_record_file(record=record, actor=arch.archivist)
                raise Rollback

        return job

    jobs = [filing(d) for d in drafts[:-1]] + [filing_then_rollback(drafts[-1])]
    outcomes = all_at_once(jobs)

    errors = [type(error) for _result, error in outcomes if error is not None]
    assert errors == [Rollback]
    sequences = sorted(
        ArchiveRecord.objects.filter(category=Category.INDIVIDUAL, status="filed").values_list(
            "sequence", flat=True
        )
    )
    assert sequences == list(range(1, 9))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_filings_of_a_new_counter_do_not_collide(race_branch):
    arch = race_branch
    drafts = [draft_with_scan(arch, Category.ACCOUNT) for _n in range(6)]
    outcomes = all_at_once(
        [(lambda d=d: services.archive_record_file(record=d, actor=arch.archivist)) for d in drafts]
    )
    assert [error for _result, error in outcomes] == [None] * 6
    numbers = sorted(r.number for r, _error in outcomes)
    assert numbers == [f"SH01-ACC-2026-{n:06d}" for n in range(1, 7)]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_nightly_filings_at_once_file_each_request_once(race_branch, frozen_now):
    arch = race_branch
    for state in [TransferState.REFUSED, TransferState.WITHDRAWN, TransferState.DEFERRED] * 2:
        to_state(arch.people, state)
    frozen_now.move_to(AFTER_CLOSE)

    outcomes = all_at_once(
        [lambda: services.archive_file_day(branch=arch.branch, business_date=TODAY)] * 3
    )

    assert [error for _result, error in outcomes] == [None] * 3
    assert sum(result["filed"] for result, _error in outcomes) == 6
    assert ArchiveRecord.objects.count() == 6
    sequences = sorted(ArchiveRecord.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 7))
    assert dt.date(2026, 11, 25) == TODAY
