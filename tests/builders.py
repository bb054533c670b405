"""The suite's builders, in one place: a branch with one person per role, requests driven
through the real services to the state a test starts from, departures and deferrals written
straight to the tables, archive records filed through the archives' services, and API
clients. Plain functions and classes, imported by the tests and by the conftest files, whose
fixtures (people, other_branch, arch, …) wrap them."""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase
from PIL import Image
from reportlab.pdfgen import canvas
from rest_framework.test import APIClient

from accounts.models import Branch, Customer, CustomerKind, Staff
from accounts.roles import Role
from api.authentication import digest, new_key
from api.models import SystemToken
from archives import services as archive_services
from archives.models import AccessRequest, ArchiveRecord, Category, ConsentMethod, Medium
from core_system.models import CoreAccountState
from kernel.errors import ApplicationError
from retention.models import Commitment, Playbook
from retention.selectors import playbook_current
from retention.services import MetricsRow, attempt_record, metrics_load
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
    Approval,
    ApprovalStep,
    ChurnReason,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
    required_documents,
)
from transfers.services.processing import required_retained

BEIJING = ZoneInfo("Asia/Shanghai")
# The suite's frozen now (tests/conftest.py: frozen_now): a Wednesday, a trading day, in the
# morning before the close at 15:00.
TEST_NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=BEIJING)
TODAY = TEST_NOW.date()
AFTER_CLOSE = dt.datetime(2026, 11, 25, 17, 30, tzinfo=BEIJING)
WRONG_PASSWORD = "000000"

T = TypeVar("T")


def beijing(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def at(frozen_now, day: dt.date, hour: int = 10) -> None:
    """Move the frozen clock to a day, Beijing time."""
    frozen_now.move_to(beijing(day.year, day.month, day.day, hour))


# --- Worlds built once for a module -------------------------------------------------------


def built_once(django_db_blocker, build: Callable[..., T], *, clock: bool = False) -> Iterator[T]:
    """The body of a module-scoped fixture (`yield from built_once(django_db_blocker, build)`)
    for tests that share an expensive world: `build()` runs once, at the suite's frozen now,
    inside a transaction that stays open while the module's tests run and is rolled back after
    the last one. Each test that also asks for `db` runs in a savepoint of that transaction
    (pytest-django's TestCase atomics nest), so whatever a test writes — an access log, a
    read notification — is rolled back before the next test, which sees the world as built.
    With `clock`, `build` is given the frozen clock (as the frozen_now fixture) to move."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock(), time_machine.travel(TEST_NOW, tick=True) as traveller:
            world = build(traveller) if clock else build()
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- A branch with one person per role ----------------------------------------------------


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


def refine(branch, rule: str, value, *, since: dt.date = dt.date(2000, 1, 1)):
    """A branch's refinement of the norm in force from `since` (the service refuses a day
    already past; a test's branch has held it all along)."""
    from accounts.norm.models import Refinement
    from accounts.norm.resolve import rules_forget

    rules_forget()
    return Refinement.objects.create(
        branch=branch, rule=rule, value=str(value), effective_from=since, why="test"
    )


def make_branch(code: str = "SH01") -> BranchPeople:
    branch = BranchFactory(code=code, name=f"{code}营业部")

    def one(role):
        return StaffFactory(branch=branch, roles=[role])

    return BranchPeople(
        branch=branch,
        clerk=one(Role.COUNTER_CLERK),
        lead=one(Role.COUNTER_LEAD),
        am=one(Role.ACCOUNT_MANAGER),
        md=one(Role.MARKETING_DIRECTOR),
        gm=one(Role.GENERAL_MANAGER),
        auditor=one(Role.AUDITOR),
    )


def person(people: BranchPeople, *roles: str) -> Staff:
    """One more member of staff in the branch (a second lead, a second director, …)."""
    return StaffFactory(branch=people.branch, roles=list(roles))


def important(people: BranchPeople, **kwargs) -> Customer:
    return people.customer("important", **kwargs)


def institution(people: BranchPeople, **kwargs) -> Customer:
    return people.institution(**kwargs)


def emptied(customer: Customer) -> Customer:
    """Everything moved out: the tier computed from assets is now ordinary."""
    Customer.objects.filter(pk=customer.pk).update(assets=Decimal(0), annual_volume=Decimal(0))
    customer.refresh_from_db()
    return customer


def set_core_state(customer: Customer, **fields) -> None:
    """Change what the core system's daily export says about a customer."""
    CoreAccountState.objects.filter(customer=customer).update(**fields)


def ready_to_close(people: BranchPeople, *, sh_designated_here: bool = False) -> Customer:
    """A customer whose account ties nothing to the branch any more (Art. 19)."""
    customer = people.customer("ordinary", sh_designated_here=sh_designated_here)
    set_core_state(
        customer,
        sz_holdings_in_custody=False,
        interest_settled=True,
        cash_balance=Decimal("0"),
        unfulfilled_agreement="",
    )
    return customer


# --- Requests driven through the real services --------------------------------------------


def reason(code: str = "moved_away") -> ChurnReason:
    return ChurnReason.objects.get(code=code)


def new_request(people: BranchPeople, customer: Customer, **items) -> TransferRequest:
    items = items or {
        "wants_sz_transfer": True,
        "sz_receiving_broker": "某某证券",
        "sz_receiving_seat": "123456",
    }
    return services.transfer_request_create(customer=customer, actor=people.clerk, **items)


def in_retention(
    people: BranchPeople,
    customer: Customer | None = None,
    *,
    reason_code: str = "moved_away",
    others: Iterable[str] = (),
    note: str = "",
    broker: str = "某某证券",
) -> TransferRequest:
    """A request whose reason is recorded: the retention talk is on."""
    customer = customer or people.customer("ordinary")
    req = new_request(
        people,
        customer,
        wants_sz_transfer=True,
        sz_receiving_broker=broker,
        sz_receiving_seat="123456",
    )
    kinds = required_documents(customer_kind=customer.kind, by_agent=False)
    services.transfer_documents_verify(request=req, actor=people.clerk, checked=kinds)
    return services.transfer_reason_record(
        request=req,
        actor=people.clerk,
        primary_reason=reason(reason_code),
        other_reasons=[reason(c) for c in others],
        note=note,
    )


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


def approve_all(
    people: BranchPeople, req: TransferRequest, customer: Customer | None = None
) -> None:
    """Every approval the customer's tier needs, in order."""
    for approver in approvers_for(people, customer or req.customer):
        services.transfer_approve(request=req, actor=approver)


def confirm_and_complete(people: BranchPeople, req: TransferRequest) -> TransferRequest:
    """From processing: the customer's trading password, then completion with every
    document the request must retain."""
    services.transfer_confirm_password(request=req, actor=people.clerk, password=TRADING_PASSWORD)
    return services.transfer_complete(
        request=req, actor=people.clerk, retained=[str(k) for k in required_retained(req)]
    )


def to_approved(people: BranchPeople, customer: Customer, **items) -> TransferRequest:
    req = to_awaiting_approval(people, customer, **items)
    approve_all(people, req, customer)
    req.refresh_from_db()
    return req


def to_processing(people: BranchPeople, customer: Customer, **items) -> TransferRequest:
    req = to_approved(people, customer, **items)
    return services.transfer_start_processing(request=req, actor=people.clerk)


def to_completed(people: BranchPeople, customer: Customer, **items) -> TransferRequest:
    return confirm_and_complete(people, to_processing(people, customer, **items))


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
        req = in_retention(people, customer)
    elif state == S.AWAITING_APPROVAL:
        req = to_awaiting_approval(people, customer)
    elif state == S.APPROVED:
        req = to_approved(people, customer)
    elif state == S.BLOCKED:
        req = to_awaiting_approval(people, customer)
        set_core_state(customer, open_bond_repo=True)
        approve_all(people, req, customer)
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


def audit_rows(req: TransferRequest) -> list[TransferAuditEntry]:
    return list(TransferAuditEntry.objects.filter(request_id=req.pk).order_by("pk"))


def state_of(req: TransferRequest) -> str:
    return TransferRequest.objects.values_list("state", flat=True).get(pk=req.pk)


# --- The retention talk and what follows it -----------------------------------------------


def tick(people: BranchPeople, req: TransferRequest, *keys: str, answer: str = "", actor=None):
    """Record an attempt on the request's current playbook, ticking the steps by key."""
    assert req.primary_reason is not None
    playbook: Playbook = playbook_current(reason=req.primary_reason, branch=req.branch)
    steps = [s.pk for s in playbook.steps.all() if s.key in keys]
    assert len(steps) == len(keys), keys
    return attempt_record(
        request=req,
        actor=actor or people.clerk,
        playbook=playbook,
        steps_done=steps,
        customer_answer=answer,
    )


def go_through(people: BranchPeople, req: TransferRequest) -> TransferRequest:
    """From the retention talk (or a deferral) to completion, through every real step."""
    req = TransferRequest.objects.get(pk=req.pk)
    if req.state == "deferred":
        services.transfer_resume(request=req, actor=people.clerk)
    else:
        services.transfer_go_on(request=req, actor=people.clerk)
    approve_all(people, req)
    services.transfer_start_processing(request=req, actor=people.clerk)
    return confirm_and_complete(people, req)


def stays(people: BranchPeople, req: TransferRequest) -> TransferRequest:
    return services.transfer_customer_stays(request=req, actor=people.clerk)


def defers(people: BranchPeople, req: TransferRequest, follow_up_on: dt.date) -> TransferRequest:
    return services.transfer_defer(request=req, actor=people.clerk, follow_up_on=follow_up_on)


def page(response) -> str:
    """What the user reads: the page's HTML with entities decoded."""
    return html.unescape(response.content.decode())


def make_commitment(
    people: BranchPeople, customer: Customer, due_on: dt.date, owner: Staff | None = None
) -> Commitment:
    """An open promise to the customer, written straight to the table."""
    return Commitment.objects.create(
        branch=people.branch,
        customer=customer,
        what="升级交易软件",
        owner=owner or people.am,
        due_on=due_on,
        created_by=people.clerk,
    )


# --- Departures and deferrals written straight to the tables ------------------------------
# For the suites about what happens after the counter's work is done (revisits, jobs).


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


# --- An archives branch, small real files, filing through the real services --------------


@dataclass
class ArchivesBranch:
    """The counter people of the transfer suites plus an archivist, a second archivist
    (nobody grants themselves access) and the company head."""

    people: BranchPeople
    archivist: Staff
    archivist2: Staff
    head: Staff

    def __getattr__(self, name: str):  # clerk, lead, gm, … and customer()
        return getattr(self.people, name)


def make_archives_branch(code: str = "SH01") -> ArchivesBranch:
    people = make_branch(code)
    return ArchivesBranch(
        people=people,
        archivist=person(people, Role.ARCHIVIST),
        archivist2=person(people, Role.ARCHIVIST),
        head=person(people, Role.COMPANY_HEAD),
    )


def pdf_bytes(text: str = "scan") -> bytes:
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    sheet.drawString(72, 720, text)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 220, 240)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def filed_record(
    arch: ArchivesBranch,
    customer: Customer | None = None,
    *,
    medium: str = Medium.ELECTRONIC,
    relationship_ended_on: dt.date | None = None,
    files: int = 1,
    cabinet: str = "A",
    box: str = "1",
) -> ArchiveRecord:
    """A record the archivist files by hand, with `files` PDF scans."""
    customer = customer or arch.customer("ordinary")
    record = archive_services.archive_record_create(
        actor=arch.archivist,
        customer=customer,
        category=Category.INDIVIDUAL,
        medium=medium,
        title="个人客户档案",
        cabinet=cabinet if medium == Medium.PAPER else "",
        box=box if medium == Medium.PAPER else "",
        relationship_ended_on=relationship_ended_on,
    )
    for n in range(files):
        archive_services.archive_document_upload(
            record=record,
            actor=arch.archivist,
            kind="identity_copy",
            upload=upload(f"scan{n}.pdf", pdf_bytes(f"identity {n}")),
        )
    return archive_services.archive_record_file(record=record, actor=arch.archivist)


def ask_access(arch: ArchivesBranch, record: ArchiveRecord, who: Staff) -> AccessRequest:
    return archive_services.access_request_create(
        record=record,
        actor=who,
        purpose="核对客户转托管资料",
        consent_by=record.customer.name,
        consent_relation="customer",
        consent_method=ConsentMethod.WRITTEN,
        consent_at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=BEIJING),
    )


def granted(
    arch: ArchivesBranch, record: ArchiveRecord, who: Staff, days: int = 3
) -> AccessRequest:
    """A grant, and its readers' copies made as the commit would make them (in-process,
    as without Redis)."""
    request = ask_access(arch, record, who)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return archive_services.access_request_grant(
            access_request=request, actor=arch.archivist, days=days
        )


# --- API clients --------------------------------------------------------------------------

ALL_SCOPES = [
    "customers:read",
    "transfers:read",
    "transfers:write",
    "approvals:write",
    "commitments:read",
    "commitments:write",
    "revisits:read",
    "revisits:write",
    "archives:read",
]


def token_client(people: BranchPeople, *, acting_as=None, scopes=ALL_SCOPES) -> APIClient:
    """A system token of the branch acting as one of its people (the clerk by default)."""
    key = new_key()
    SystemToken.objects.create(
        name="core system",
        branch=people.branch,
        acting_as=acting_as or people.clerk,
        key_digest=digest(key),
        key_prefix=key[:8],
        scopes=list(scopes),
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    if code is not None:
        assert body["code"] == code, body
    return body


def daily_figures(customer: Customer, *rows: tuple[dt.date, str | int, int]) -> None:
    """The core system's daily figures of a customer, loaded as the night's file loads them:
    rows of (date, assets, trades)."""
    metrics_load(
        branch=customer.branch,
        rows=[MetricsRow(customer.fund_account, d, Decimal(a), t) for d, a, t in rows],
    )
