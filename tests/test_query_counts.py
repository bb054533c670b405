"""Every main page runs a fixed number of SQL queries whatever the data size (issue 7):
each page is measured with a small branch and again with five times the data, and the two
counts must be equal, and under a ceiling. The branch is grown once for the module and
every page measured at both sizes (_measure_every_page); each test checks one page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Staff
from accounts.roles import Role
from archives.models import ArchiveRecord
from retention.models import AtRiskFlag, RiskRule
from revisits.models import RevisitTask
from tests.accounts.factories import StaffFactory
from tests.builders import BranchPeople, built_once, make_branch, to_state
from transfers.models import TransferRequest, TransferState

S = TransferState
N = 6  # requests (one in each state of CYCLE), customers, revisits, flags, records; 5N in the big
# The states the growing branch's requests cycle through: every page sees a mix.
CYCLE = [S.RECEIVED, S.AWAITING_APPROVAL, S.APPROVED, S.COMPLETED, S.DEFERRED, S.WITHDRAWN]
DAY = dt.date(2026, 11, 24)
CEILING = 60  # no page of this back office needs more; a page past it has a loop to find


def _grow(people: BranchPeople, archivist: Any, count: int, start: int) -> None:
    for i in range(start, start + count):
        req = to_state(people, CYCLE[i % len(CYCLE)])
        customer = req.customer
        RevisitTask.objects.create(
            branch=people.branch,
            customer=customer,
            reason="follow_up",
            owner=people.md,
            due_on=DAY + dt.timedelta(days=i % 3),
        )
        AtRiskFlag.objects.create(
            branch=people.branch,
            customer=customer,
            rule=RiskRule.ASSETS_DROP,
            business_date=DAY,
            details={"drop_percent": 40},
        )
        ArchiveRecord.objects.create(
            branch=people.branch,
            category="individual",
            medium="paper",
            title=f"客户档案 {i}",
            customer=customer,
            created_by=archivist,
        )


# (page, who opens it, the URL and its query string given the branch's people)
Target = Callable[[BranchPeople], tuple[str, dict[str, str]]]


def _request_in(state: str) -> Target:
    def target(people: BranchPeople) -> tuple[str, dict[str, str]]:
        req = TransferRequest.objects.filter(branch=people.branch, state=state).earliest("pk")
        return reverse("request_detail", args=[req.pk]), {}

    return target


def _customer_detail(people: BranchPeople) -> tuple[str, dict[str, str]]:
    req = TransferRequest.objects.filter(branch=people.branch).earliest("pk")
    return reverse("customer_detail", args=[req.customer_id]), {}


PAGES: dict[str, tuple[str, Target]] = {
    "customer search by name": ("clerk", lambda p: (reverse("customer_search"), {"q": "客户"})),
    "customer detail": ("clerk", _customer_detail),
    "request list": ("lead", lambda p: (reverse("request_list"), {})),
    **{f"request page ({state.value})": ("lead", _request_in(state)) for state in CYCLE},
    "approvals queue": ("lead", lambda p: (reverse("approvals_queue"), {})),
    "home (clerk)": ("clerk", lambda p: (reverse("home"), {})),
    "home (counter lead)": ("lead", lambda p: (reverse("home"), {})),
    "home (account manager)": ("am", lambda p: (reverse("home"), {})),
    "home (marketing director)": ("md", lambda p: (reverse("home"), {})),
    "home (general manager)": ("gm", lambda p: (reverse("home"), {})),
    "retention analysis": ("md", lambda p: (reverse("retention_analysis"), {"month": "2026-11"})),
    "at-risk list": ("md", lambda p: (reverse("retention_at_risk"), {"date": DAY.isoformat()})),
    "revisits list": ("md", lambda p: (reverse("revisit_list"), {})),
    "archive records": ("archivist", lambda p: (reverse("archives:record_list"), {"q": "客户"})),
}


@dataclass(frozen=True)
class Measure:
    url: str
    status: int
    queries: int
    sql: str  # the queries, for the failure message


def _count(client: Client, target: Target, people: BranchPeople) -> Measure:
    url, params = target(people)
    client.get(url, params)  # warm: the session and per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    sql = "\n".join(f"{i}. {q['sql']}" for i, q in enumerate(ctx.captured_queries, start=1))
    return Measure(url, response.status_code, len(ctx.captured_queries), sql)


def _measure_every_page() -> dict[str, tuple[Measure, Measure]]:
    """Every page of PAGES measured with the small branch, then, once the branch has grown to
    five times the data, again. What a page writes as it is read (a look at a customer is
    logged) is rolled back after its measurement: each page is measured on the same data."""
    people = make_branch()
    archivist = StaffFactory(branch=people.branch, roles=[Role.ARCHIVIST])
    clients: dict[str, Client] = {}
    for page, (who, _target) in PAGES.items():
        clients[page] = Client()
        user = cast(Staff, archivist if who == "archivist" else getattr(people, who))
        clients[page].force_login(user)

    def measure_all() -> dict[str, Measure]:
        measures = {}
        for page, (_who, target) in PAGES.items():
            with transaction.atomic():
                measures[page] = _count(clients[page], target, people)
                transaction.set_rollback(True)
        return measures

    _grow(people, archivist, N, 0)
    small = measure_all()
    _grow(people, archivist, 4 * N, N)
    large = measure_all()
    return {page: (small[page], large[page]) for page in PAGES}


@pytest.fixture(scope="module")
def _measured_once(django_db_setup, django_db_blocker):
    # Growing a branch to 5N requests through the real services is the expensive part: it is
    # done once for the module, and every page measured at both sizes on the same data.
    yield from built_once(django_db_blocker, _measure_every_page)


@pytest.fixture
def measured(_measured_once, db) -> dict[str, tuple[Measure, Measure]]:
    return _measured_once


@pytest.mark.parametrize("page", list(PAGES))
def test_page_runs_the_same_queries_at_five_times_the_data(
    page: str, measured: dict[str, tuple[Measure, Measure]]
) -> None:
    small, large = measured[page]
    for measure in (small, large):
        assert measure.queries <= CEILING, (
            f"Expected to perform {CEILING} queries or less but {measure.queries} were done "
            f"on {measure.url}:\n{measure.sql}"
        )
        assert measure.status == 200, (measure.url, measure.status)

    assert large.queries == small.queries, (
        f"{page}: {small.queries} queries with {N} requests, {large.queries} with {5 * N}"
    )
