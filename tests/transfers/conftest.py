"""A branch with one person per role, customers of each tier, and a helper that drives a
request through the real services to the state a test starts from."""

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import Branch, Customer, CustomerKind, Staff
from accounts.roles import Role
from core_system.models import CoreAccountState
from kernel.errors import ApplicationError
from tests.accounts.factories import (
    TRADING_PASSWORD,
    BranchFactory,
    CoreAccountStateFactory,
    CustomerFactory,
    StaffFactory,
)
from transfers import services
from transfers.models import (
    Appointment,
    ChurnReason,
    DocumentKind,
    FeeItem,
    FeeSchedule,
    RetainedDocument,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
    required_documents,
)
from transfers.services.processing import required_retained


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
        kwargs.setdefault("assets", Decimal(assets))
        customer = CustomerFactory(branch=self.branch, **kwargs)
        CoreAccountStateFactory(customer=customer)
        return customer

    def institution(self, **kwargs) -> Customer:
        return self.customer("ordinary", kind=CustomerKind.INSTITUTION, **kwargs)

    def book_appointment(self, customer: Customer, *, booked_on) -> Appointment:
        return Appointment.objects.create(
            branch=self.branch,
            customer=customer,
            host=self.md,
            booked_on=booked_on,
            booked_by=self.md,
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
    items = items or {
        "wants_sz_transfer": True,
        "sz_receiving_broker": "某某证券",
        "sz_receiving_seat": "123456",
    }
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


# --- Helpers for the domain-rule suites --------------------------------------------------


def person(people: BranchPeople, *roles: str) -> Staff:
    """One more member of staff in the branch (a second lead, a second director, …)."""
    return StaffFactory(branch=people.branch, roles=list(roles))


def set_core_state(customer: Customer, **fields) -> None:
    """Change what the core system's daily export says about a customer."""
    CoreAccountState.objects.filter(customer=customer).update(**fields)


def audit_rows(req: TransferRequest) -> list[TransferAuditEntry]:
    return list(TransferAuditEntry.objects.filter(request_id=req.pk).order_by("pk"))


def state_of(req: TransferRequest) -> str:
    return TransferRequest.objects.values_list("state", flat=True).get(pk=req.pk)


WRONG_PASSWORD = "000000"


def to_state(people: BranchPeople, state: str, customer: Customer | None = None) -> TransferRequest:
    """A request of an ordinary customer (unless one is given) driven through the real
    services to `state`."""
    customer = customer or people.customer("ordinary")
    S = TransferState
    if state == S.RECEIVED:
        req = new_request(people, customer)
    elif state == S.DOCUMENTS_VERIFIED:
        req = new_request(people, customer)
        kinds = required_documents(customer_kind=customer.kind, by_agent=False)
        services.transfer_documents_verify(request=req, actor=people.clerk, checked=kinds)
    elif state == S.RETENTION:
        req = to_state(people, S.DOCUMENTS_VERIFIED, customer)
        services.transfer_reason_record(request=req, actor=people.clerk, primary_reason=reason())
    elif state == S.AWAITING_APPROVAL:
        req = to_awaiting_approval(people, customer)
    elif state == S.APPROVED:
        req = to_approved(people, customer)
    elif state == S.BLOCKED:
        req = to_awaiting_approval(people, customer)
        set_core_state(customer, open_bond_repo=True)
        for approver in approvers_for(people, customer):
            services.transfer_approve(request=req, actor=approver)
    elif state == S.DEFERRED:
        req = to_awaiting_approval(people, customer)
        services.transfer_defer(request=req, actor=people.clerk, follow_up_on=dt.date(2026, 12, 10))
    elif state == S.PROCESSING:
        req = to_processing(people, customer)
    elif state == S.PASSWORD_LOCKED:
        req = to_processing(people, customer)
        for _try in range(5):
            with contextlib.suppress(ApplicationError):
                services.transfer_confirm_password(
                    request=req, actor=people.clerk, password=WRONG_PASSWORD
                )
    elif state == S.COMPLETED:
        req = to_completed(people, customer)
    elif state == S.WITHDRAWN:
        req = new_request(people, customer)
        services.transfer_customer_stays(request=req, actor=people.clerk)
    elif state == S.REFUSED:
        req = new_request(people, customer)
        services.transfer_refuse(request=req, actor=people.clerk, reason="证件过期")
    else:
        raise ValueError(state)
    req = TransferRequest.objects.get(pk=req.pk)
    assert req.state == state
    return req
