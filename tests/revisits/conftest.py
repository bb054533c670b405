"""A branch with one person per role (tests/transfers/conftest.py), and customers who left
or deferred on chosen days — written straight to the tables, since these suites are about
what happens after the counter's work is done."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from accounts.models import Customer, CustomerKind
from kernel.calendar import TradingCalendar
from tests.transfers.conftest import BranchPeople, make_branch
from transfers.models import (
    Approval,
    ApprovalStep,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
)

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def people(db) -> BranchPeople:
    return make_branch()


@pytest.fixture
def other_branch(db) -> BranchPeople:
    return make_branch("BJ02")


@pytest.fixture
def calendar(db) -> TradingCalendar:
    return TradingCalendar()


def departed(
    people: BranchPeople, customer: Customer, *, on: dt.date, senior: bool = False
) -> TransferRequest:
    """A completed transfer-out on `on` at 11:00 Beijing; `senior` records the marketing
    director's and general manager's approvals, as for a core customer."""
    at = dt.datetime.combine(on, dt.time(11, 0), tzinfo=BEIJING)
    req = TransferRequest.objects.create(
        branch=people.branch,
        customer=customer,
        created_by=people.clerk,
        wants_sz_transfer=True,
        sz_receiving_broker="某某证券",
        state=TransferState.COMPLETED,
        completed_at=at,
        ended_at=at,
    )
    steps = [ApprovalStep.COUNTER_LEAD, ApprovalStep.ACCOUNT_MANAGER]
    if senior:
        steps += [ApprovalStep.MARKETING_DIRECTOR, ApprovalStep.GENERAL_MANAGER]
    approvers = {
        ApprovalStep.COUNTER_LEAD: people.lead,
        ApprovalStep.ACCOUNT_MANAGER: people.am,
        ApprovalStep.MARKETING_DIRECTOR: people.md,
        ApprovalStep.GENERAL_MANAGER: people.gm,
    }
    for step in steps:
        Approval.objects.create(
            request=req,
            step=step,
            approver=approvers[step],
            approved_at=at,
            recorded_by=approvers[step],
        )
    return req


def deferred(
    people: BranchPeople, customer: Customer, *, on: dt.date, follow_up_on: dt.date
) -> TransferRequest:
    """A request the customer deferred on `on`, to decide by `follow_up_on` (Art. 34)."""
    req = TransferRequest.objects.create(
        branch=people.branch,
        customer=customer,
        created_by=people.clerk,
        wants_sz_transfer=True,
        state=TransferState.DEFERRED,
        follow_up_on=follow_up_on,
    )
    # The audit trail is append-only: the entry is written "on" that day.
    with time_machine.travel(dt.datetime.combine(on, dt.time(11, 0), tzinfo=BEIJING)):
        TransferAuditEntry.objects.create(
            request=req,
            actor=people.clerk,
            action="defer",
            from_state=TransferState.RETENTION,
            to_state=TransferState.DEFERRED,
        )
    return req


def important(people: BranchPeople, **kwargs) -> Customer:
    return people.customer("important", **kwargs)


def institution(people: BranchPeople, **kwargs) -> Customer:
    return people.customer("ordinary", kind=CustomerKind.INSTITUTION, **kwargs)


def emptied(customer: Customer) -> Customer:
    """Everything moved out: the tier computed from assets is now ordinary."""
    Customer.objects.filter(pk=customer.pk).update(assets=Decimal(0), annual_volume=Decimal(0))
    customer.refresh_from_db()
    return customer


def pytest_collection_modifyitems(config, items):
    # Skipped at collection: a transactional test that merely started on SQLite would still
    # flush the shared test database at teardown.
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: SQLite serialises every writer, so two planners racing on "
        "the unique constraints cannot be exercised (run with DATABASE_URL=postgres://…)"
    )
    for item in items:
        if item.get_closest_marker("postgres_only") and "revisits" in str(item.fspath):
            item.add_marker(skip)
