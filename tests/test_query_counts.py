"""Every main page runs a fixed number of SQL queries whatever the data size (issue 7):
each page is measured with a small branch and again with five times the data, and the two
counts must be equal, and under a ceiling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Staff
from accounts.roles import Role
from archives.models import ArchiveRecord
from retention.models import AtRiskFlag, RiskRule
from revisits.models import RevisitTask
from tests.accounts.factories import StaffFactory
from tests.transfers.conftest import BranchPeople, make_branch, to_state
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


def _count(client: Client, target: Target, people: BranchPeople, assert_max: Any) -> int:
    url, params = target(people)
    client.get(url, params)  # warm: the session and per-process caches
    with assert_max(CEILING) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_runs_the_same_queries_at_five_times_the_data(
    page: str, db: Any, django_assert_max_num_queries: Any
) -> None:
    people = make_branch()
    archivist = StaffFactory(branch=people.branch, roles=[Role.ARCHIVIST])
    who, target = PAGES[page]
    client = Client()
    user = cast(Staff, archivist if who == "archivist" else getattr(people, who))
    client.force_login(user)

    _grow(people, archivist, N, 0)
    small = _count(client, target, people, django_assert_max_num_queries)
    _grow(people, archivist, 4 * N, N)
    large = _count(client, target, people, django_assert_max_num_queries)

    assert large == small, f"{page}: {small} queries with {N} requests, {large} with {5 * N}"
