"""Retention tests: the transfer suite's branch of people, requests driven through the real
services to the retention talk and beyond, and English for what users see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from accounts.models import Customer
from retention.models import Playbook
from retention.selectors import playbook_current
from retention.services import attempt_record
from tests.accounts.factories import TRADING_PASSWORD
from tests.transfers.conftest import BranchPeople, approvers_for, make_branch, new_request
from transfers import services
from transfers.models import ChurnReason, TransferRequest, required_documents
from transfers.services.processing import required_retained

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(db) -> BranchPeople:
    """A branch with one person per role (the transfer suite's)."""
    return make_branch()


@pytest.fixture
def other_branch(db) -> BranchPeople:
    return make_branch("BJ02")


@pytest.fixture(autouse=True)
def english():
    """Messages and pages in English, whatever catalogue is compiled."""
    with translation.override("en"):
        yield


@pytest.fixture
def en_client(client, settings):
    """A browser whose user chose English (the language cookie; Accept-Language too, in case
    the middleware reads it)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def at(frozen_now, day: dt.date, hour: int = 10) -> None:
    """Move the frozen clock to a day, Beijing time."""
    frozen_now.move_to(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BEIJING))


def reason(code: str) -> ChurnReason:
    return ChurnReason.objects.get(code=code)


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
    for approver in approvers_for(people, req.customer):
        services.transfer_approve(request=req, actor=approver)
    services.transfer_start_processing(request=req, actor=people.clerk)
    services.transfer_confirm_password(request=req, actor=people.clerk, password=TRADING_PASSWORD)
    return services.transfer_complete(
        request=req, actor=people.clerk, retained=[str(k) for k in required_retained(req)]
    )


def stays(people: BranchPeople, req: TransferRequest) -> TransferRequest:
    return services.transfer_customer_stays(request=req, actor=people.clerk)


def defers(people: BranchPeople, req: TransferRequest, follow_up_on: dt.date) -> TransferRequest:
    return services.transfer_defer(request=req, actor=people.clerk, follow_up_on=follow_up_on)


def page(response) -> str:
    """What the user reads: the page's HTML with entities decoded."""
    import html

    return html.unescape(response.content.decode())
