"""The core-system adapter: the daily-export implementation reads our own tables; another
implementation can be named in settings and the transfer services follow it."""

import datetime as dt
from decimal import Decimal

import pytest

from core_system.adapters import Condition, DailyExportCoreSystem, get_core_system
from core_system.models import CoreAccountState
from tests.accounts.factories import TRADING_PASSWORD, CoreAccountStateFactory, CustomerFactory
from tests.builders import approvers_for, make_branch, to_awaiting_approval
from transfers import services
from transfers.models import TransferState

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)
core = DailyExportCoreSystem()


@pytest.fixture
def customer():
    customer = CustomerFactory()
    CoreAccountStateFactory(customer=customer)
    return customer


def export_says(customer, **fields):
    CoreAccountState.objects.filter(customer=customer).update(**fields)


def blocking(customer):
    return [c.code for c in core.blocking_conditions(customer, on=TODAY)]


def test_a_clean_account_has_no_blocking_condition(customer):
    assert blocking(customer) == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"last_order_date": TODAY}, "orders_today"),
        ({"open_bond_repo": True}, "bond_repo_open"),
        ({"repo_registration_open": True}, "repo_registration"),
        ({"ipo_funds_frozen": True}, "ipo_frozen"),
        ({"unfulfilled_agreement": "质押协议"}, "agreement_unfulfilled"),
        ({"clearing_house_hold": "上海分公司不予撤销"}, "clearing_house_hold"),
    ],
)
def test_each_blocking_condition_is_read_from_the_export(customer, fields, code):
    export_says(customer, **fields)
    held = core.blocking_conditions(customer, on=TODAY)
    assert [c.code for c in held] == [code]
    assert held[0].message
    for value in fields.values():
        if isinstance(value, str):
            assert value in held[0].message


def test_orders_on_another_day_do_not_block(customer):
    export_says(customer, last_order_date=TODAY - dt.timedelta(days=1))
    assert blocking(customer) == []
    export_says(customer, last_order_date=TODAY)
    assert core.blocking_conditions(customer, on=TODAY + dt.timedelta(days=1)) == []


def test_without_core_data_the_account_is_blocked_rather_than_assumed_clean():
    customer = CustomerFactory()
    assert blocking(customer) == ["no_core_data"]


def test_closure_conditions_without_core_data_are_all_missing():
    customer = CustomerFactory(sh_designated_here=True)
    missing = core.closure_conditions_missing(customer, revoking_sh=False, transferring_sz=False)
    assert [c.code for c in missing] == ["sh_designated", "sz_custody", "interest", "cash"]


def test_closure_conditions_met(customer):
    customer.sh_designated_here = False
    export_says(customer, sz_holdings_in_custody=False, cash_balance=Decimal("0"))
    assert core.closure_conditions_missing(customer, revoking_sh=False, transferring_sz=False) == []


def test_a_customer_without_a_shenzhen_account_has_no_custody_to_transfer(customer):
    customer.sz_account = ""
    customer.sh_designated_here = False
    assert core.closure_conditions_missing(customer, revoking_sh=False, transferring_sz=False) == []


def test_the_trading_password_is_checked_against_the_hash_only(customer):
    assert core.verify_trading_password(customer, TRADING_PASSWORD)
    assert not core.verify_trading_password(customer, TRADING_PASSWORD + "0")
    stored = CoreAccountState.objects.get(customer=customer).trading_password_hash
    assert TRADING_PASSWORD not in stored


def test_no_password_on_record_never_verifies(customer):
    export_says(customer, trading_password_hash="")
    assert not core.verify_trading_password(customer, "")
    assert not core.verify_trading_password(CustomerFactory(), TRADING_PASSWORD)


class ClearingHouseSaysNo:
    """Stands in for a live core system that reports a hold on every account."""

    def blocking_conditions(self, customer, *, on):
        return [Condition("clearing_house_hold", "中国结算：账户冻结")]

    def closure_conditions_missing(self, customer, *, revoking_sh, transferring_sz):
        return []

    def closure_conditions_missing_many(self, asks):
        return [[] for _ask in asks]

    def verify_trading_password(self, customer, password):
        return password == "live-ok"


def test_another_adapter_is_configured_by_dotted_path(settings):
    people = make_branch()
    settings.CORE_SYSTEM_ADAPTER = f"{__name__}.ClearingHouseSaysNo"
    assert isinstance(get_core_system(), ClearingHouseSaysNo)

    customer = people.customer("ordinary")  # the export tables say nothing holds it
    req = to_awaiting_approval(people, customer)
    for approver in approvers_for(people, customer):
        services.transfer_approve(request=req, actor=approver)
    req.refresh_from_db()
    assert req.state == TransferState.BLOCKED
    assert req.blocking_conditions == [
        {"code": "clearing_house_hold", "message": "中国结算：账户冻结"}
    ]


def test_the_default_adapter_reads_the_daily_export(settings):
    settings.CORE_SYSTEM_ADAPTER = "core_system.adapters.DailyExportCoreSystem"
    assert isinstance(get_core_system(), DailyExportCoreSystem)
