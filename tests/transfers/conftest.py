"""A branch with one person per role, customers of each tier, and a helper that drives a
request through the real services to the state a test starts from."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import Branch, Customer, CustomerKind, Staff
from accounts.roles import Role
from retention.models import ChurnReason
from tests.accounts.factories import (
    BranchFactory,
    CoreAccountStateFactory,
    CustomerFactory,
    StaffFactory,
)
from transfers import services
from transfers.models import (
    Appointment,
    DocumentKind,
    FeeItem,
    FeeSchedule,
    RetainedDocument,
    TransferRequest,
    required_documents,
)
from transfers.services.processing import required_retained
from tests.accounts.factories import TRADING_PASSWORD


@dataclass
class BranchPeople:
    branch: Branch
    clerk: Staff
    lead: Staff
    am: Staff
    md: Staff
    gm: Staff
    auditor: Staff

    def customer(self, tier: str = "ordinary", **kwargs) -> Customer:
        assets = {"ordinary": "100000", "important": "1000000", "core": "9000000"}[tier]
        kwargs.setdefault("account_manager", self.am)
        customer = CustomerFactory(branch=self.branch, assets=Decimal(assets), **kwargs)
        CoreAccountStateFactory(customer=customer)
        return customer

    def institution(self, **kwargs) -> Customer:
        return self.customer("ordinary", kind=CustomerKind.INSTITUTION, **kwargs)

    def book_appointment(self, customer: Customer, *, booked_on) -> Appointment:
        return Appointment.objects.create(
            branch=self.branch, customer=customer, host=self.md, booked_on=booked_on, booked_by=self.md
        )


def make_branch(code: str = "SH01") -> BranchPeople:
    branch = BranchFactory(code=code, name=f"{code}营业部")
    FeeSchedule.objects.create(branch=branch, item=FeeItem.SZ_TRANSFER, amount=Decimal("30.00"))
    FeeSchedule.objects.create(branch=branch, item=FeeItem.SH_REVOCATION, amount=Decimal("0.00"))
    FeeSchedule.objects.create(branch=branch, item=FeeItem.CLOSURE, amount=Decimal("0.00"))

    def person(role):
        return StaffFactory(branch=branch, roles=[role])

    return BranchPeople(
        branch=branch,
        clerk=person(Role.COUNTER_CLERK),
        lead=person(Role.COUNTER_LEAD),
        am=person(Role.ACCOUNT_MANAGER),
        md=person(Role.MARKETING_DIRECTOR),
        gm=person(Role.GENERAL_MANAGER),
        auditor=person(Role.AUDITOR),
    )


@pytest.fixture
def people(db) -> BranchPeople:
    return make_branch()


@pytest.fixture
def other_branch(db) -> BranchPeople:
    return make_branch("BJ02")


def reason(code: str = "moved_away") -> ChurnReason:
    return ChurnReason.objects.get(code=code)


def new_request(people: BranchPeople, customer: Customer, **items) -> TransferRequest:
    items = items or {"wants_sz_transfer": True, "sz_receiving_broker": "某某证券", "sz_receiving_seat": "123456"}
    return services.transfer_request_create(customer=customer, actor=people.clerk, **items)


def to_awaiting_approval(people: BranchPeople, customer: Customer, **items) -> TransferRequest:
    req = new_request(people, customer, **items)
    kinds = required_documents(customer_kind=customer.kind, by_agent=req.by_agent)
    services.transfer_documents_verify(request=req, actor=people.clerk, checked=kinds)
    services.transfer_reason_record(request=req, actor=people.clerk, primary_reason=reason())
    return services.transfer_go_on(request=req, actor=people.clerk)


def approvers_for(people: BranchPeople, customer: Customer) -> list[Staff]:
    tier = customer.approval_tier
    return {
        "ordinary": [people.lead, people.am],
        "important": [people.lead, people.am, people.md],
        "core": [people.lead, people.am, people.md, people.gm],
    }[tier]


def to_approved(people: BranchPeople, customer: Customer, **items) -> TransferRequest:
    req = to_awaiting_approval(people, customer, **items)
    for approver in approvers_for(people, customer):
        services.transfer_approve(request=req, actor=approver)
    req.refresh_from_db()
    return req


def to_processing(people: BranchPeople, customer: Customer, **items) -> TransferRequest:
    req = to_approved(people, customer, **items)
    return services.transfer_start_processing(request=req, actor=people.clerk)


def to_completed(people: BranchPeople, customer: Customer, **items) -> TransferRequest:
    req = to_processing(people, customer, **items)
    services.transfer_confirm_password(request=req, actor=people.clerk, password=TRADING_PASSWORD)
    return services.transfer_complete(
        request=req, actor=people.clerk, retained=[str(k) for k in required_retained(req)]
    )


__all__ = ["DocumentKind", "RetainedDocument"]
