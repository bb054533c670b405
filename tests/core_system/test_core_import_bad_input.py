"""A broken export or a wrong option never ends `import_core_export` in a traceback: the
command names every bad line, loads nothing and exits non-zero with a CommandError."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError

from core_system.models import CoreAccountState
from tests.accounts.factories import BranchFactory, CoreAccountStateFactory, CustomerFactory
from tests.core_system.test_core_import import load, write

pytestmark = pytest.mark.django_db

GOOD = "6600000002,,0,0,0,,,1,1,0"


@pytest.fixture(autouse=True)
def _known():
    """As in test_core_import: 6600000001 reported before, 6600000002 not yet."""
    branch = BranchFactory(code="SZ009")
    reported = CustomerFactory(branch=branch, fund_account="6600000001")
    CoreAccountStateFactory(customer=reported, open_bond_repo=True, cash_balance=Decimal("9.99"))
    CustomerFactory(branch=branch, fund_account="6600000002")


def _nothing_loaded() -> None:
    assert CoreAccountState.objects.count() == 1
    kept = CoreAccountState.objects.get()
    assert kept.open_bond_repo and kept.cash_balance == Decimal("9.99")


@pytest.mark.parametrize("encoding", ["nonsense", "base64", "rot13"])
def test_an_unknown_encoding_is_refused_by_name(tmp_path, encoding):
    with pytest.raises(CommandError, match=f"'{encoding}' is not a text encoding"):
        load(write(tmp_path, GOOD), "--encoding", encoding)
    _nothing_loaded()


def test_the_command_line_answers_an_unknown_encoding_without_a_traceback(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_core_export",
            write(tmp_path, GOOD),
            "--encoding",
            "x",
        ],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "'x' is not a text encoding" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_quote_left_open_past_the_field_limit_names_its_line_and_the_bad_lines_before(
    tmp_path,
):
    runaway = '6600000001,,0,0,0,"never closed,,1,1,0'
    filler = [f"{'9' * 60},,0,0,0,,,1,1,0"] * 3000  # far more than csv's 128 KiB field limit
    path = write(tmp_path, "6699999999,,0,0,0,,,1,1,0", GOOD, runaway, *filler)
    with pytest.raises(CommandError) as failed:
        load(path)
    message = str(failed.value)
    assert "nothing was changed" in message
    assert "line 2: unknown fund account 6699999999" in message
    assert "line 4: the line cannot be read as CSV (field larger than field limit" in message
    assert "is a quote left open?" in message
    assert "line 5" not in message  # nothing after the unreadable line is checked
    _nothing_loaded()


def test_a_quote_left_open_to_the_end_of_the_file_is_refused(tmp_path):
    path = write(tmp_path, '6600000002,,0,0,0,"open,,1,1,0', "6600000001,,0,0,0,,,1,1,0")
    with pytest.raises(CommandError, match=r"line 2: .*a cell runs on to line 3"):
        load(path)
    _nothing_loaded()


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("6600000002,,0,0,0,约定\x00购回,,1,1,0", "unfulfilled_agreement"),
        ("6600000002,,0,0,0,,\x00,1,1,0", "clearing_house_hold"),
        ("66000000\x0002,,0,0,0,,,1,1,0", "fund_account"),
        ("6600000002,2026-11-2\x005,0,0,0,,,1,1,0", "last_order_date"),
    ],
)
def test_a_nul_in_a_cell_is_refused_naming_the_line_and_column(tmp_path, cells, column):
    path = write(tmp_path, GOOD.replace("02,", "01,", 1), cells)
    with pytest.raises(CommandError) as failed:
        load(path)
    message = str(failed.value)
    assert f"line 3: {column} holds a NUL character" in message
    assert "\x00" not in message
    assert "line 2" not in message
    _nothing_loaded()


def test_a_date_outside_the_span_is_refused_for_as_of(tmp_path):
    with pytest.raises(CommandError, match="outside the dates"):
        load(write(tmp_path, GOOD), "--as-of", "0001-01-01")
    _nothing_loaded()
