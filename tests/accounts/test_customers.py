"""Customers: the tier from the branch's thresholds (Art. 17), the manual override with who
and why, masking of personal numbers, and the counter search by the full number."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.masking import mask_id_number, mask_name, mask_phone
from accounts.models import CustomerKind, Tier
from accounts.roles import Role
from accounts.selectors import customer_search
from accounts.services import customer_set_tier
from kernel.errors import ApplicationError
from tests.builders import refine

from .factories import BranchFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    """The firm's norm (Art. 17): important from 500,000 assets or 10,000,000 volume, core
    from 5,000,000 or 100,000,000."""
    return BranchFactory(code="SH01")


def staff(branch, role):
    return StaffFactory(branch=branch, roles=[role])


# --- Tier (Art. 17) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assets", "volume", "tier"),
    [
        ("0", "0", Tier.ORDINARY),
        ("499999.99", "9999999.99", Tier.ORDINARY),
        ("500000", "0", Tier.IMPORTANT),  # assets alone reach the threshold
        ("0", "10000000", Tier.IMPORTANT),  # volume alone reaches it
        ("4999999.99", "99999999.99", Tier.IMPORTANT),
        ("5000000", "0", Tier.CORE),
        ("1000", "100000000", Tier.CORE),
    ],
)
def test_the_tier_comes_from_the_branchs_thresholds(branch, assets, volume, tier):
    customer = CustomerFactory(branch=branch, assets=Decimal(assets), annual_volume=Decimal(volume))
    assert customer.tier == tier
    assert customer.approval_tier == tier


def test_a_branch_that_lowers_a_threshold_has_its_own_tiers(branch):
    strict = BranchFactory(code="BJ02")
    refine(strict, "tier.important_assets", "300000")
    here = CustomerFactory(branch=branch, assets=Decimal("400000"), annual_volume=Decimal(0))
    there = CustomerFactory(branch=strict, assets=Decimal("400000"), annual_volume=Decimal(0))
    assert (here.tier, there.tier) == (Tier.ORDINARY, Tier.IMPORTANT)


def test_an_institution_is_approved_like_a_core_customer_whatever_its_size(branch):
    customer = CustomerFactory(
        branch=branch, kind=CustomerKind.INSTITUTION, assets=Decimal(1), annual_volume=Decimal(0)
    )
    assert customer.tier == Tier.ORDINARY
    assert customer.approval_tier == Tier.CORE


@pytest.mark.parametrize("role", [Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER])
def test_an_override_records_who_when_and_why(branch, role):
    customer = CustomerFactory(branch=branch, assets=Decimal("1000"))
    actor = staff(branch, role)

    before = timezone.now()
    customer_set_tier(
        customer=customer, actor=actor, tier=Tier.CORE, reason="  家族账户合计超千万 "
    )
    after = timezone.now()

    customer.refresh_from_db()
    assert customer.tier == Tier.CORE
    assert customer.computed_tier == Tier.ORDINARY
    assert customer.tier_override_reason == "家族账户合计超千万"
    assert customer.tier_override_by == actor
    assert before <= customer.tier_override_at <= after


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_without_a_reason_is_refused(branch, reason):
    customer = CustomerFactory(branch=branch, assets=Decimal("1000"))
    with pytest.raises(ApplicationError) as caught:
        customer_set_tier(
            customer=customer, actor=staff(branch, Role.GENERAL_MANAGER), tier="core", reason=reason
        )
    assert caught.value.code == "invalid"
    customer.refresh_from_db()
    assert (customer.tier_override, customer.tier) == ("", Tier.ORDINARY)


def test_the_database_also_refuses_an_override_without_a_reason(branch):
    customer = CustomerFactory(branch=branch)
    customer.tier_override = Tier.CORE
    with pytest.raises(IntegrityError), transaction.atomic():
        customer.save()


@pytest.mark.parametrize(
    "role",
    [Role.COUNTER_CLERK, Role.COUNTER_LEAD, Role.ACCOUNT_MANAGER, Role.AUDITOR, Role.ARCHIVIST],
)
def test_only_the_director_or_general_manager_overrides_a_tier(branch, role):
    customer = CustomerFactory(branch=branch, assets=Decimal("1000"))
    with pytest.raises(ApplicationError) as caught:
        customer_set_tier(customer=customer, actor=staff(branch, role), tier="core", reason="理由")
    assert caught.value.code == "forbidden"
    customer.refresh_from_db()
    assert customer.tier_override == ""


def test_another_branchs_director_cannot_override(branch):
    customer = CustomerFactory(branch=branch, assets=Decimal("1000"))
    outsider = staff(BranchFactory(code="BJ02"), Role.GENERAL_MANAGER)
    with pytest.raises(ApplicationError) as caught:
        customer_set_tier(customer=customer, actor=outsider, tier="core", reason="理由")
    assert caught.value.code == "not_found"


def test_an_unknown_tier_is_refused(branch):
    customer = CustomerFactory(branch=branch)
    with pytest.raises(ApplicationError) as caught:
        customer_set_tier(
            customer=customer, actor=staff(branch, Role.GENERAL_MANAGER), tier="vip", reason="x"
        )
    assert caught.value.code == "invalid"


def test_clearing_the_override_returns_to_the_computed_tier(branch):
    customer = CustomerFactory(branch=branch, assets=Decimal("1000"))
    gm = staff(branch, Role.GENERAL_MANAGER)
    customer_set_tier(customer=customer, actor=gm, tier="core", reason="临时")
    customer_set_tier(customer=customer, actor=gm, tier="", reason="")
    customer.refresh_from_db()
    assert customer.tier == Tier.ORDINARY
    assert (customer.tier_override_reason, customer.tier_override_by) == ("", None)


# --- Masking (PIPL) -------------------------------------------------------------------


def test_an_identity_number_is_masked_but_its_ends_show():
    assert mask_id_number("110101199001011234") == "110101********1234"
    assert mask_id_number("11010119900101123X") == "110101********123X"


def test_a_phone_number_is_masked_but_its_ends_show():
    assert mask_phone("13812345678") == "138****5678"


def test_short_values_never_show_whole():
    assert mask_id_number("E1234") != "E1234"
    assert mask_phone("12345") == "*****"
    assert mask_id_number("") == ""


def test_a_persons_name_is_masked_an_institutions_is_not(branch):
    person = CustomerFactory(branch=branch, name="欧阳娜娜")
    company = CustomerFactory(branch=branch, name="某某投资有限公司", kind=CustomerKind.INSTITUTION)
    assert mask_name("张三") == "张*"
    assert person.masked_name == "欧***"
    assert company.masked_name == "某某投资有限公司"


def test_the_customer_shows_masked_numbers_and_keeps_the_full_ones(branch):
    customer = CustomerFactory(branch=branch, id_number="110101199001011234", phone="13812345678")
    assert (customer.masked_id_number, customer.masked_phone) == (
        "110101********1234",
        "138****5678",
    )
    assert "110101199001011234" not in str(customer)
    customer.refresh_from_db()
    assert customer.id_number == "110101199001011234"


# --- Counter search -------------------------------------------------------------------


@pytest.fixture
def two_branches(branch):
    other = BranchFactory(code="BJ02")
    mine = CustomerFactory(
        branch=branch, name="王小明", id_number="110101199001011234", fund_account="880012345678"
    )
    theirs = CustomerFactory(
        branch=other, name="王小明", id_number="11010119850505567X", fund_account="880087654321"
    )
    return branch, other, mine, theirs


def test_the_full_identity_number_finds_the_customer(two_branches):
    branch, _other, mine, _theirs = two_branches
    assert list(customer_search(branch=branch, query="110101199001011234")) == [mine]
    assert list(customer_search(branch=branch, query=" 110101199001011234 ")) == [mine]


def test_an_identity_number_ending_in_x_is_found_in_either_case(two_branches):
    _branch, other, _mine, theirs = two_branches
    assert list(customer_search(branch=other, query="11010119850505567x")) == [theirs]


def test_the_full_fund_account_finds_the_customer(two_branches):
    branch, _other, mine, _theirs = two_branches
    assert list(customer_search(branch=branch, query="880012345678")) == [mine]


def test_another_branchs_customer_is_never_found(two_branches):
    branch, _other, mine, theirs = two_branches
    for query in (theirs.id_number, theirs.fund_account, theirs.phone):
        assert list(customer_search(branch=branch, query=query)) == []
    assert list(customer_search(branch=branch, query="王小明")) == [mine]


def test_the_masked_number_does_not_find_anyone(two_branches):
    branch, _other, _mine, _theirs = two_branches
    assert list(customer_search(branch=branch, query="110101********1234")) == []


def test_an_empty_search_finds_no_one(two_branches):
    branch, *_rest = two_branches
    assert list(customer_search(branch=branch, query="  ")) == []
