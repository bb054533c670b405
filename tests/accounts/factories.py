from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts.models import Branch, Customer, CustomerKind, IdType, Staff
from accounts.roles import Role
from core_system.models import CoreAccountState

STAFF_PASSWORD = "counter-Demo-2026"
TRADING_PASSWORD = "135790"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"B{n:03d}")
    name = factory.Sequence(lambda n: f"测试营业部{n}")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    branch = factory.SubFactory(BranchFactory)
    username = factory.Sequence(lambda n: f"staff{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    password = factory.LazyFunction(lambda: make_password(STAFF_PASSWORD))
    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=Role(role).value))
        self.__dict__.pop("role_names", None)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    branch = factory.SubFactory(BranchFactory)
    kind = CustomerKind.INDIVIDUAL
    name = factory.Sequence(lambda n: f"客户{n}")
    id_type = IdType.RESIDENT_ID
    id_number = factory.Sequence(lambda n: f"110101199001{n:06d}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    fund_account = factory.Sequence(lambda n: f"8800{n:06d}")
    sh_account = factory.Sequence(lambda n: f"A{n:09d}")
    sh_designated_here = True
    sz_account = factory.Sequence(lambda n: f"0{n:09d}")
    account_manager = factory.SubFactory(
        StaffFactory, branch=factory.SelfAttribute("..branch"), roles=[Role.ACCOUNT_MANAGER]
    )
    assets = Decimal("100000")
    annual_volume = Decimal("1000000")


class CoreAccountStateFactory(factory.django.DjangoModelFactory):
    """A clean account: nothing blocks, ready to close once the securities are gone."""

    class Meta:
        model = CoreAccountState

    customer = factory.SubFactory(CustomerFactory)
    as_of = factory.LazyFunction(lambda: __import__("datetime").date(2026, 11, 24))
    sz_holdings_in_custody = True
    interest_settled = True
    cash_balance = Decimal("0")
    trading_password_hash = factory.LazyFunction(lambda: make_password(TRADING_PASSWORD))
