import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from accounts.models import Customer, CustomerKind, IdType, Staff, Tier
from accounts.roles import Role
from core_system.adapters import get_core_system
from core_system.models import CoreAccountState
from devtools.management.commands.seed_demo import (
    BRANCH_CODE,
    DEMO_PASSWORD,
    DEMO_TRADING_PASSWORD,
    EXTRA_BRANCHES,
    HEAD_OFFICE_STAFF,
    STAFF,
    demo_usernames,
)
from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from tests.builders import built_once
from transfers import services
from transfers.models import Appointment, Approval, TransferAuditEntry, TransferRequest

pytestmark = pytest.mark.django_db

BLOCKING_CODES = {
    "orders_today",
    "bond_repo_open",
    "repo_registration",
    "ipo_frozen",
    "agreement_unfulfilled",
    "clearing_house_hold",
}


def seed() -> None:
    call_command("seed_demo", "--quiet", "--create-demo-data-with-published-passwords")


def snapshot() -> dict[str, list[tuple]]:
    return {
        "staff": sorted(Staff.objects.values_list("username", "password", "branch_id")),
        "customers": sorted(Customer.objects.values_list("fund_account", "name", "id_number")),
        "states": sorted(
            CoreAccountState.objects.values_list(
                "customer_id", "last_order_date", "open_bond_repo", "cash_balance"
            )
        ),
        "appointments": sorted(Appointment.objects.values_list("customer_id", "booked_on")),
        "requests": sorted(TransferRequest.objects.values_list("customer_id", "state")),
        "approvals": sorted(Approval.objects.values_list("request_id", "step")),
        "audit": sorted(TransferAuditEntry.objects.values_list("request_id", "action")),
    }


@pytest.fixture(scope="class")
def _seeded_once(django_db_setup, django_db_blocker):
    # One demo seeding, on the empty database, for the tests of TestWhatTheSeedMade, in a
    # transaction rolled back after the class; each test runs in a savepoint of it, so what a
    # test does (seeding a second time) is rolled back before the next. The tests that seed at
    # another time of the week seed their own.
    yield from built_once(django_db_blocker, seed)


@pytest.fixture
def seeded(_seeded_once, db) -> None:
    """The demo data, seeded at the suite's frozen now (as seed() in the test would)."""


class TestWhatTheSeedMade:
    """What one run of the demo seeder made (one seeding for the class), and what a second
    run adds to it: nothing."""

    def test_seed_demo_run_twice_adds_and_changes_nothing_the_second_time(self, seeded):
        first = snapshot()
        seed()
        assert snapshot() == first
        assert Customer.objects.filter(branch__code=BRANCH_CODE).count() == 300

    def test_seed_demo_plans_this_weeks_first_revisits_for_important_departures(self, seeded):
        from revisits.models import RevisitTask

        first = RevisitTask.objects.filter(reason="left_first")
        # Art. 31: the important customer and the institution who left this week (Wed 2026-11-25)
        # are revisited by the week's last trading day, Friday 2026-11-27.
        assert sorted(t.customer.fund_account for t in first) == ["6600000023", "6600000024"]
        assert {t.due_on for t in first} == {dt.date(2026, 11, 27)}
        seed()
        assert RevisitTask.objects.filter(reason="left_first").count() == 2

    def test_seed_demo_gives_each_role_a_user_who_logs_in_with_the_demo_password(self, seeded):
        for username, _display_name, role in STAFF:
            # With its request, as the login page does: the lockout (django-axes) needs the address.
            user = authenticate(
                RequestFactory().post("/login/"), username=username, password=DEMO_PASSWORD
            )
            assert user is not None, username
            assert user.has_role(role) and user.branch.code == BRANCH_CODE and user.is_staff
        named = {role for _u, _n, role in [*STAFF, *HEAD_OFFICE_STAFF]}
        assert named == set(Role)
        main = Staff.objects.filter(branch__code=BRANCH_CODE)
        for role in {r for _u, _n, r in STAFF} - {Role.ACCOUNT_MANAGER}:
            assert main.filter(groups__name=role).count() == 1, role
        assert main.filter(groups__name=Role.ACCOUNT_MANAGER).count() >= 3

    def test_seed_demo_makes_the_head_office_people_who_belong_to_no_branch(self, seeded):
        for username, _display_name, role in HEAD_OFFICE_STAFF:
            user = authenticate(
                RequestFactory().post("/login/"), username=username, password=DEMO_PASSWORD
            )
            assert user is not None, username
            assert user.has_role(role) and user.branch_id is None, username
            assert set(user.role_names) == {role}
            user.full_clean()  # the placement rule holds (accounts/roles.placement_refusal)

    def test_seed_demo_makes_three_branches_the_two_small_ones_with_their_own_work(self, seeded):
        codes = set(Customer.objects.values_list("branch__code", flat=True))
        assert codes == {BRANCH_CODE, "BJ002", "SH003"}
        for demo in EXTRA_BRANCHES:
            customers = Customer.objects.filter(branch__code=demo.code)
            assert 20 <= customers.count() < 100, demo.code
            assert all(c.account_manager.branch_id == c.branch_id for c in customers)
            requests = TransferRequest.objects.filter(branch__code=demo.code)
            assert {"awaiting_approval", "approved", "completed", "deferred"} <= set(
                requests.values_list("state", flat=True)
            ), demo.code
            for _key, username, _name, role in demo.staff:
                person = Staff.objects.get(username=username)
                assert person.branch.code == demo.code and person.has_role(role)
                assert person.check_password(DEMO_PASSWORD)

    def test_seed_demo_customers_span_every_tier_and_both_kinds_with_well_formed_numbers(
        self, seeded
    ):
        customers = list(Customer.objects.select_related("branch", "account_manager"))
        individuals = [c for c in customers if c.kind == CustomerKind.INDIVIDUAL]
        institutions = [c for c in customers if c.kind == CustomerKind.INSTITUTION]
        assert {c.tier for c in individuals} == set(Tier)
        assert 15 <= len(institutions) <= 25
        assert all(c.account_manager.has_role(Role.ACCOUNT_MANAGER) for c in customers)
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        for c in individuals:
            assert c.id_type == IdType.RESIDENT_ID and len(c.id_number) == 18
            total = sum(int(d) * w for d, w in zip(c.id_number[:17], weights, strict=True))
            assert c.id_number[17] == "10X98765432"[total % 11], c.id_number
        for c in institutions:
            assert c.id_type == IdType.CREDIT_CODE and len(c.id_number) == 18
            assert c.id_number.startswith("91")

    def test_seed_demo_has_customers_held_by_each_blocking_condition_and_unmet_closure(
        self, seeded
    ):
        core = get_core_system()
        found: set[str] = set()
        closure_unmet = 0
        for customer in Customer.objects.select_related("branch"):
            found |= {c.code for c in core.blocking_conditions(customer, on=beijing_today())}
            missing = core.closure_conditions_missing(
                customer, revoking_sh=True, transferring_sz=True
            )
            closure_unmet += bool(missing)
        assert found == BLOCKING_CODES
        assert closure_unmet >= 5

    def test_seed_demo_customers_confirm_with_the_demo_trading_password(self, seeded):
        customer = Customer.objects.get(fund_account="6600000001")
        assert get_core_system().verify_trading_password(customer, DEMO_TRADING_PASSWORD)
        assert not get_core_system().verify_trading_password(customer, "000000")

    def test_seed_demo_shows_the_head_office_an_alert_of_last_month(self, seeded):
        from headoffice.models import AlertSign, BranchAlert
        from notifications.models import Notification

        alert = BranchAlert.objects.get()
        assert (alert.branch.code, alert.month, alert.sign) == (
            "BJ002",
            dt.date(2026, 10, 1),
            AlertSign.REPEAT_DEFERRAL,
        )
        behind = TransferRequest.objects.filter(pk__in=alert.request_ids)
        assert {r.state for r in behind} == {"deferred"}
        compliance = Staff.objects.get(username="hq_compliance")
        assert Notification.objects.filter(recipient=compliance).count() == 1
        seed()
        assert BranchAlert.objects.count() == 1
        assert Notification.objects.filter(recipient=compliance).count() == 1

    def test_seed_demo_requests_reach_each_demo_state_through_the_services(self, seeded):
        states = set(TransferRequest.objects.values_list("state", flat=True))
        assert {"awaiting_approval", "approved", "blocked", "completed", "deferred"} <= states
        for req in TransferRequest.objects.all():
            actions = list(req.audit_entries.values_list("action", flat=True))
            assert actions[0] == "create"
        receipts = sorted(
            TransferRequest.objects.filter(state="completed", branch__code=BRANCH_CODE).values_list(
                "receipt_number", flat=True
            )
        )
        assert receipts == [f"{BRANCH_CODE}-2026-{n:06d}" for n in range(1, len(receipts) + 1)]
        blocked = TransferRequest.objects.get(state="blocked", branch__code=BRANCH_CODE)
        assert [c["code"] for c in blocked.blocking_conditions] == ["bond_repo_open"]


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),  # a Wednesday
        dt.datetime(2026, 11, 30, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")),  # a Monday
        dt.datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),  # a Saturday
    ],
    ids=["wednesday", "monday", "saturday"],
)
def test_seed_demo_appointments_booked_before_are_served_and_booked_today_are_refused(
    frozen_now, now
):
    frozen_now.move_to(now)
    seed()
    clerk = Staff.objects.get(username="clerk")
    items = {
        "wants_sz_transfer": True,
        "sz_receiving_broker": "某券商",
        "sz_receiving_seat": "123456",
    }
    for ready in ("6600000012", "6600000014"):
        customer = Customer.objects.get(fund_account=ready)
        req = services.transfer_request_create(customer=customer, actor=clerk, **items)
        assert req.appointment is not None
    for too_soon in ("6600000013", "6600000015", "6600000016"):
        customer = Customer.objects.get(fund_account=too_soon)
        with pytest.raises(ApplicationError) as refused:
            services.transfer_request_create(customer=customer, actor=clerk, **items)
        assert refused.value.code == "appointment_required"


def test_production_refuses_every_demo_account_the_seeder_makes():
    from accounts.demo_accounts import DEMO_USERNAMES

    assert demo_usernames() == DEMO_USERNAMES
    assert {"hq_marketing", "hq_compliance", "keeper", "bj_gm", "sh_clerk"} <= DEMO_USERNAMES
