"""The core system's nightly files: each taken once from the drop folder, checked (trailer,
branch, day, every line), loaded through the same services as the commands, moved only after
the commit; a file not loaded by its due time is told to the general manager once."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import Customer
from core_system.models import CoreAccountState, CoreFile, CoreFileState
from jobs.models import JobOutcome, JobTrigger
from jobs.registry import job_run
from notifications.models import Notification
from retention.models import DailyCustomerMetrics
from tests.builders import TODAY, beijing, make_branch
from tests.core_system.test_customer_master import export, line

pytestmark = pytest.mark.django_db

ACCOUNTS_HEADER = (
    "fund_account,last_order_date,open_bond_repo,repo_registration_open,ipo_funds_frozen,"
    "unfulfilled_agreement,clearing_house_hold,sz_holdings_in_custody,interest_settled,"
    "cash_balance"
)
DAY = TODAY.strftime("%Y%m%d")
YESTERDAY = (TODAY - dt.timedelta(days=1)).strftime("%Y%m%d")


@pytest.fixture
def people():
    people = make_branch("SZ001")
    people.am.staff_number = "A001"
    people.am.save(update_fields=["staff_number"])
    return people


@pytest.fixture
def drop(tmp_path):
    with override_settings(CORE_DROP_DIR=tmp_path):
        yield tmp_path


@pytest.fixture
def customer(people):
    return people.customer(fund_account="6600000001")


def accounts_file(*accounts: str, cash: str = "123.45") -> bytes:
    rows = [f"{a},2026-11-20,0,0,0,,,1,1,{cash}" for a in accounts]
    return ("\n".join([ACCOUNTS_HEADER, *rows]) + "\n").encode()


def run(people, name="core_system.nightly_files", day=TODAY):
    return job_run(name=name, business_date=day, trigger=JobTrigger.SCHEDULE, branch=people.branch)


def cash(customer) -> Decimal:
    return CoreAccountState.objects.get(customer=customer).cash_balance


def reason_of(drop, name: str) -> str:
    return (drop / "refused" / f"{name}.reason.txt").read_text("utf-8")


def test_a_dropped_file_is_loaded_once_moved_and_recorded(
    people, drop, customer, django_capture_on_commit_callbacks
):
    name = f"SZ001_{DAY}_accounts.csv"
    (drop / name).write_bytes(accounts_file("6600000001"))
    with django_capture_on_commit_callbacks(execute=True):
        done = run(people)
    assert done.outcome == JobOutcome.SUCCEEDED, done.message
    assert done.counts == {"loaded.accounts": 1, "rows": 1}
    assert cash(customer) == Decimal("123.45")
    assert not (drop / name).exists()
    assert (drop / "processed" / name).exists()
    record = CoreFile.objects.get()
    assert (record.state, record.kind, record.business_date, record.run_id, record.rows) == (
        CoreFileState.LOADED,
        "accounts",
        TODAY,
        done.pk,
        1,
    )
    assert record.digest == hashlib.sha256(accounts_file("6600000001")).hexdigest()


def test_the_same_bytes_again_load_nothing(
    people, drop, customer, django_capture_on_commit_callbacks
):
    name = f"SZ001_{DAY}_accounts.csv"
    data = accounts_file("6600000001")
    (drop / name).write_bytes(data)
    with django_capture_on_commit_callbacks(execute=True):
        run(people)
    CoreAccountState.objects.filter(customer=customer).update(cash_balance=Decimal("1.00"))

    with django_capture_on_commit_callbacks(execute=True):
        again = run(people)  # a re-run of the job: the folder is empty
    assert again.counts == {}

    # The move failed (the file is back where it was), and a copy arrives under another name.
    (drop / name).write_bytes(data)
    (drop / f"SZ001_{DAY}_accounts (copy).csv").write_bytes(data)  # not the naming convention
    other = f"sz001_{DAY}_ACCOUNTS.csv"
    (drop / other).write_bytes(data)
    with django_capture_on_commit_callbacks(execute=True):
        third = run(people)
    assert third.counts.get("moved_late") == 1
    assert third.counts.get("duplicates") == 1
    assert "loaded.accounts" not in third.counts
    assert cash(customer) == Decimal("1.00")  # not loaded a second time
    assert CoreFile.objects.count() == 1
    assert not (drop / name).exists()
    assert "already loaded" in reason_of(drop, other)
    assert (drop / f"SZ001_{DAY}_accounts (copy).csv").exists()  # left alone


def test_a_file_of_another_day_is_refused_and_a_later_one_left_for_its_day(
    people, drop, customer, django_capture_on_commit_callbacks
):
    old = f"SZ001_{YESTERDAY}_accounts.csv"
    later = f"SZ001_{(TODAY + dt.timedelta(days=1)):%Y%m%d}_accounts.csv"
    (drop / old).write_bytes(accounts_file("6600000001"))
    (drop / later).write_bytes(accounts_file("6600000001", cash="7.00"))
    before = cash(customer)
    with django_capture_on_commit_callbacks(execute=True):
        done = run(people)
    assert done.counts.get("refused.accounts") == 1
    assert cash(customer) == before
    assert (drop / later).exists()
    assert f"run the job for {(TODAY - dt.timedelta(days=1)).isoformat()}" in reason_of(drop, old)
    record = CoreFile.objects.get()
    assert record.state == CoreFileState.REFUSED and "is for" in record.reason


def test_a_file_for_another_branch_is_refused(people, drop, django_capture_on_commit_callbacks):
    other = make_branch("BJ02")
    theirs = other.customer(fund_account="6600000099")
    before = cash(theirs)
    (drop / f"SZ001_{DAY}_accounts.csv").write_bytes(accounts_file("6600000099"))
    (drop / f"SZ001_{DAY}_customers.csv").write_bytes(export(line(1), branch="BJ02"))
    with django_capture_on_commit_callbacks(execute=True):
        done = run(people)
    assert done.counts.get("refused.accounts") == 1
    assert done.counts.get("refused.customers") == 1
    assert cash(theirs) == before
    assert not Customer.objects.filter(fund_account="6600000001").exists()
    assert "6600000099" in reason_of(drop, f"SZ001_{DAY}_accounts.csv")
    assert set(CoreFile.objects.values_list("state", flat=True)) == {CoreFileState.REFUSED}


def test_a_trailer_with_the_wrong_row_count_is_refused(
    people, drop, customer, django_capture_on_commit_callbacks
):
    before = cash(customer)
    name = f"SZ001_{DAY}_accounts.csv"
    (drop / name).write_bytes(accounts_file("6600000001") + b"#rows,2\n")
    with django_capture_on_commit_callbacks(execute=True):
        done = run(people)
    assert done.counts.get("refused.accounts") == 1
    assert cash(customer) == before
    assert "did not arrive whole" in reason_of(drop, name)


def test_the_trailers_that_match_load(people, drop, customer, django_capture_on_commit_callbacks):
    body = accounts_file("6600000001")
    (drop / f"SZ001_{DAY}_accounts.csv").write_bytes(body + b"#rows,1\n")
    metrics = f"fund_account,date,assets,trades_count\n6600000001,{TODAY.isoformat()},5000,3\n"
    digest = hashlib.sha256(metrics.encode()).hexdigest()
    (drop / f"SZ001_{DAY}_metrics.csv").write_bytes(f"{metrics}#sha256,{digest}\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        done = run(people)
    assert done.counts == {"loaded.accounts": 1, "loaded.metrics": 1, "rows": 2}
    assert cash(customer) == Decimal("123.45")
    figures = DailyCustomerMetrics.objects.get(customer=customer, date=TODAY)
    assert (figures.assets, figures.trades_count) == (Decimal("5000"), 3)


def test_a_checksum_trailer_that_does_not_match_is_refused(
    people, drop, customer, django_capture_on_commit_callbacks
):
    metrics = f"fund_account,date,assets,trades_count\n6600000001,{TODAY.isoformat()},5000,3\n"
    name = f"SZ001_{DAY}_metrics.csv"
    (drop / name).write_bytes(f"{metrics}#sha256,{'0' * 64}\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        done = run(people)
    assert done.counts.get("refused.metrics") == 1
    assert not DailyCustomerMetrics.objects.exists()
    assert "SHA-256" in reason_of(drop, name)


def test_figures_of_another_day_are_refused(
    people, drop, customer, django_capture_on_commit_callbacks
):
    metrics = "fund_account,date,assets,trades_count\n6600000001,2026-11-24,5000,3\n"
    name = f"SZ001_{DAY}_metrics.csv"
    (drop / name).write_text(metrics)
    with django_capture_on_commit_callbacks(execute=True):
        done = run(people)
    assert done.counts.get("refused.metrics") == 1
    assert not DailyCustomerMetrics.objects.exists()
    assert "2026-11-24" in reason_of(drop, name)


def test_a_customer_master_is_previewed_then_applied(
    people, drop, django_capture_on_commit_callbacks
):
    name = f"SZ001_{DAY}_customers.csv"
    (drop / name).write_bytes(export(line(1), line(2)) + b"#rows,2\n")
    with django_capture_on_commit_callbacks(execute=True):
        done = run(people)
    assert done.counts == {"loaded.customers": 1, "rows": 2}
    assert Customer.objects.filter(branch=people.branch, fund_account="6600000001").exists()
    assert CoreFile.objects.get().counts["new"] == 2


def test_a_file_with_a_bad_line_is_refused_and_nothing_loaded(
    people, drop, django_capture_on_commit_callbacks
):
    name = f"SZ001_{DAY}_customers.csv"
    (drop / name).write_bytes(export(line(1), line(2, opened_on="not a date")))
    with django_capture_on_commit_callbacks(execute=True):
        done = run(people)
    assert done.counts.get("refused.customers") == 1
    assert not Customer.objects.filter(fund_account__in=["6600000001", "6600000002"]).exists()
    record = CoreFile.objects.get()
    assert record.state == CoreFileState.REFUSED
    assert [bad["line"] for bad in record.report["bad"]] == [4]
    assert (drop / "refused" / name).exists()


def test_a_run_killed_after_the_load_leaves_nothing_loaded_and_the_file_in_place(
    people, drop, customer, monkeypatch, django_capture_on_commit_callbacks
):
    before = cash(customer)
    name = f"SZ001_{DAY}_accounts.csv"
    (drop / name).write_bytes(accounts_file("6600000001"))

    def killed(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr("core_system.nightly._record_loaded", killed)
    with django_capture_on_commit_callbacks(execute=True):
        done = run(people)
    assert done.outcome == JobOutcome.FAILED
    assert cash(customer) == before
    assert (drop / name).exists()
    assert not (drop / "processed").exists()
    assert not CoreFile.objects.exists()


@override_settings(CORE_FILES_DUE_AT={"accounts": "21:30", "metrics": "22:00"})
def test_a_file_missing_by_its_due_time_tells_the_general_manager_once(
    people, drop, frozen_now, django_capture_on_commit_callbacks
):
    late = "core_system.nightly_files_late"
    told = Notification.objects.filter(recipient=people.gm)
    assert run(people, late).counts == {"told": 0}  # 10:00: nothing is due yet

    frozen_now.move_to(beijing(TODAY.year, TODAY.month, TODAY.day, 21, 31))
    first = run(people, late)
    assert first.counts == {"missing.accounts": 1, "told": 1}
    assert told.count() == 1
    assert f"SZ001_{DAY}_accounts.csv" in told.get().body
    assert run(people, late).counts["told"] == 0  # the same day's later run tells nobody again
    assert told.count() == 1
    assert not Notification.objects.filter(recipient=people.md).exists()


@override_settings(CORE_FILES_DUE_AT={"customers": "21:30"})
def test_a_refused_file_is_told_with_its_reason(
    people, drop, frozen_now, django_capture_on_commit_callbacks
):
    (drop / f"SZ001_{DAY}_customers.csv").write_bytes(export(line(1), branch="BJ02"))
    make_branch("BJ02")
    with django_capture_on_commit_callbacks(execute=True):
        run(people)
    frozen_now.move_to(beijing(TODAY.year, TODAY.month, TODAY.day, 21, 31))
    assert run(people, "core_system.nightly_files_late").counts["told"] == 1
    notice = Notification.objects.get(recipient=people.gm)
    assert "was refused" in notice.subject


@override_settings(CORE_FILES_DUE_AT={"accounts": "21:30"})
def test_a_loaded_file_is_not_missing(
    people, drop, customer, frozen_now, django_capture_on_commit_callbacks
):
    (drop / f"SZ001_{DAY}_accounts.csv").write_bytes(accounts_file("6600000001"))
    with django_capture_on_commit_callbacks(execute=True):
        run(people)
    frozen_now.move_to(beijing(TODAY.year, TODAY.month, TODAY.day, 21, 31))
    assert run(people, "core_system.nightly_files_late").counts == {"told": 0}


def test_the_jobs_page_shows_the_nightly_files_with_their_figures(
    people, drop, customer, client, django_capture_on_commit_callbacks
):
    (drop / f"SZ001_{DAY}_accounts.csv").write_bytes(accounts_file("6600000001"))
    with django_capture_on_commit_callbacks(execute=True):
        run(people)
    client.force_login(people.gm)
    page = client.get(reverse("job_list")).content.decode()
    assert "Core system&#x27;s nightly files" in page or "Core system's nightly files" in page
    assert "Files loaded (Account states)" in page
