import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core_system.adapters import get_core_system
from core_system.models import CoreAccountState
from tests.accounts.factories import (
    TRADING_PASSWORD,
    BranchFactory,
    CoreAccountStateFactory,
    CustomerFactory,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "fund_account,last_order_date,open_bond_repo,repo_registration_open,ipo_funds_frozen,"
    "unfulfilled_agreement,clearing_house_hold,sz_holdings_in_custody,interest_settled,"
    "cash_balance"
)


@pytest.fixture
def branch():
    return BranchFactory(code="SZ009")


@pytest.fixture
def known(branch):
    """Two customers: one the core system has reported before, one it has not."""
    reported = CustomerFactory(branch=branch, fund_account="6600000001")
    CoreAccountStateFactory(customer=reported, open_bond_repo=True, cash_balance=Decimal("9.99"))
    fresh = CustomerFactory(branch=branch, fund_account="6600000002")
    return reported, fresh


def write(tmp_path, *rows: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "export.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding=encoding)
    return str(path)


def load(path: str, *args: str) -> str:
    out = StringIO()
    call_command("import_core_export", path, *args, stdout=out)
    return out.getvalue()


def test_good_export_creates_and_updates_states_by_fund_account(tmp_path, known):
    reported, fresh = known
    path = write(
        tmp_path,
        "6600000001,2026-11-20,0,0,0,,,1,1,0.00",
        "6600000002,20261125,false,yes,N,融资融券合同未了结,司法冻结,true,否,1234.5",
    )
    output = load(path, "--as-of", "2026-11-25")

    assert "2 row(s) loaded" in output and "1 new, 1 updated" in output
    old = CoreAccountState.objects.get(customer=reported)
    assert old.as_of == dt.date(2026, 11, 25)
    assert not old.open_bond_repo and old.cash_balance == Decimal("0.00")
    new = CoreAccountState.objects.get(customer=fresh)
    assert new.last_order_date == dt.date(2026, 11, 25)
    assert new.repo_registration_open and not new.interest_settled
    assert new.cash_balance == Decimal("1234.50")
    codes = {c.code for c in get_core_system().blocking_conditions(fresh, on=new.last_order_date)}
    assert codes == {
        "orders_today",
        "repo_registration",
        "agreement_unfulfilled",
        "clearing_house_hold",
    }
    assert get_core_system().blocking_conditions(reported, on=dt.date(2026, 11, 25)) == []


def test_import_keeps_the_trading_password_the_export_does_not_carry(tmp_path, known):
    reported, _fresh = known
    load(write(tmp_path, "6600000001,,0,0,0,,,1,1,0"))
    assert get_core_system().verify_trading_password(reported, TRADING_PASSWORD)


def test_bad_row_rolls_back_the_whole_file_and_names_each_bad_line(tmp_path, known):
    reported, fresh = known
    path = write(
        tmp_path,
        "6600000002,,1,0,0,,,1,1,0",  # good, but must not be written
        "6699999999,,0,0,0,,,1,1,0",  # line 3
        "6600000001,2026-13-01,0,0,0,,,1,1,0",  # line 4
        "6600000001,,maybe,0,0,,,1,1,12.345",  # line 5, and a repeat of line 4's account
    )
    with pytest.raises(CommandError) as failed:
        load(path)

    message = str(failed.value)
    assert "nothing was changed" in message
    assert "line 2" not in message
    assert "line 3: unknown fund account 6699999999" in message
    assert "line 4: last_order_date “2026-13-01” is not a date" in message
    assert "line 5:" in message and "open_bond_repo “maybe”" in message
    assert "cash_balance “12.345”" in message
    assert "listed twice (first on line 4)" in message
    assert not CoreAccountState.objects.filter(customer=fresh).exists()
    unchanged = CoreAccountState.objects.get(customer=reported)
    assert unchanged.open_bond_repo and unchanged.cash_balance == Decimal("9.99")


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (",,0,0,0,,,1,1,0", "fund_account is empty"),
        ("6600000002,,0,0,,,,1,1,0", "ipo_funds_frozen “” is not a yes/no value"),
        ("6600000002,,0,0,0,,,1,1,abc", "cash_balance “abc” is not an amount"),
        ("6600000002,,0,0,0,,,1,1,-5", "cash_balance -5.00 is negative"),
        ("6600000002,,0,0,0,,,1,1,0,extra", "more cells than the header has columns"),
        ("6600000002,,0,0,0," + "x" * 201 + ",,1,1,0", "unfulfilled_agreement is longer"),
    ],
)
def test_each_kind_of_bad_value_is_refused_with_its_reason(tmp_path, known, cells, reason):
    with pytest.raises(CommandError, match="line 2: .*" + reason.replace("(", r"\(")):
        load(write(tmp_path, cells))
    assert CoreAccountState.objects.count() == 1


def test_export_without_a_required_column_is_refused_naming_it(tmp_path, known):
    path = tmp_path / "export.csv"
    path.write_text("fund_account,last_order_date\n6600000001,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns: open_bond_repo, "):
        load(str(path))


def test_export_in_gbk_loads_with_the_encoding_option(tmp_path, known):
    _reported, fresh = known
    path = write(tmp_path, "6600000002,,0,0,0,约定购回未到期,,1,1,0", encoding="gbk")
    with pytest.raises(CommandError, match="try --encoding gbk"):
        load(path)
    load(path, "--encoding", "gbk")
    assert CoreAccountState.objects.get(customer=fresh).unfulfilled_agreement == "约定购回未到期"


def test_as_of_must_be_a_date(tmp_path, known):
    with pytest.raises(CommandError, match="not a date"):
        load(write(tmp_path, "6600000001,,0,0,0,,,1,1,0"), "--as-of", "yesterday")
