"""Every count on the console's pages that stands for requests opens the branches behind it
and each branch's requests: the count on the page is the number of lines of its list, the
list is read-only and masked, a figure or a line that does not exist is a 404 or a 400,
never a 500, and a list costs the same queries whatever its length."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from headoffice.drilldown import FIGURES
from headoffice.services import branch_month_figures_compute
from tests.accounts.factories import StaffFactory
from tests.builders import at, built_once, go_through, in_retention, make_branch, page, to_state
from tests.builders import to_awaiting_approval as awaiting
from tests.headoffice.test_figures import DECEMBER_FIRST, NOVEMBER
from tests.retention.test_analysis import _build_month
from transfers import services
from transfers.models import TransferRequest

MONTH_Q = {"month": "2026-11"}
# A count that opens a list: the firm's figure (…/figures/<figure>/) or a branch's
# (…/branches/<pk>/requests/<figure>/), and the number it shows.
DRILL = re.compile(
    r'<a[^>]*href="(/head-office/(?:figures/[\w-]+|branches/\d+/requests/[\w-]+)/\?[^"]*)"[^>]*>'
    r"\s*([\d,]+)\s*</a>"
)


def _build(frozen_now):
    """November at SH01 (tests/retention/test_analysis._build_month: three who left, by two
    reasons, two tiers, two brokers), and at SH01 on the 25th also: a request past its two
    trading days, a phone approval never signed off, a request blocked by an open bond repo;
    at BJ02 one who left, one late request and one blocked."""
    people = _build_month(frozen_now)
    other = make_branch("BJ02")
    at(frozen_now, dt.date(2026, 11, 25))
    for branch in (people, other):
        late = awaiting(branch, branch.customer())
        TransferRequest.objects.filter(pk=late.pk).update(due_on=dt.date(2026, 11, 20))
        to_state(branch, "blocked")
    services.transfer_record_phone_approval(
        request=awaiting(people, people.customer()), actor=people.clerk, approver=people.lead
    )
    go_through(other, in_retention(other, other.customer(), broker="甲证券"))
    branch_month_figures_compute(month=NOVEMBER, today=DECEMBER_FIRST)
    return {"people": people, "other": other}


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, _build, clock=True)


@pytest.fixture
def world(_world_once, db, frozen_now):
    at(frozen_now, DECEMBER_FIRST)  # the lists read the records as on the figures' day
    return _world_once


@pytest.fixture
def hq_client(client, world):
    client.force_login(StaffFactory(branch=None, roles=[Role.HQ_COMPLIANCE]))
    return client


def _drills(response) -> list[tuple[str, int]]:
    return [
        (html.unescape(href), int(text.replace(",", "")))
        for href, text in DRILL.findall(response.content.decode())
    ]


def _lines(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert len(response.context["rows"]) == response.context["total"], url
    return response.context["total"]


def test_every_count_opens_as_many_requests_as_it_says(hq_client, world):
    people = world["people"]
    pages = [
        reverse("headoffice_console"),
        reverse("headoffice_compliance"),
        reverse("headoffice_branch", args=[people.branch.pk]),
        reverse("headoffice_branch", args=[world["other"].branch.pk]),
    ]
    opened = set()
    for url in pages:
        drills = _drills(hq_client.get(url, MONTH_Q))
        assert drills, url
        for href, count in drills:
            opened.add(href.split("/")[-2])
            if "/figures/" in href:
                # The firm's figure: the branches behind it add up to it, and each
                # branch's count opens as many requests.
                firm = hq_client.get(href)
                assert firm.status_code == 200, href
                assert firm.context["total"] == count, href
                branches = _drills(firm)
                assert sum(n for _h, n in branches) == count, href
                for branch_href, n in branches:
                    assert _lines(hq_client, branch_href) == n, branch_href
            else:
                assert _lines(hq_client, href) == count, href
    assert opened == set(FIGURES)


def test_a_list_shows_exactly_the_requests_behind_it(hq_client, world):
    people = world["people"]

    def pks(figure, **query):
        url = reverse("headoffice_branch_figure", args=[people.branch.pk, figure])
        return {row.request.pk for row in hq_client.get(url, {**MONTH_Q, **query}).context["rows"]}

    left = set(
        TransferRequest.objects.filter(
            branch=people.branch, work_memo__outcome="left", work_memo__left_on__gte=NOVEMBER
        ).values_list("pk", flat=True)
    )
    assert len(left) == 3
    assert pks("churn") == left
    assert pks("reason", key="moved_away") | pks("reason", key="commission") == left
    assert pks("tier", key="ordinary") | pks("tier", key="important") == left
    assert pks("broker", key="甲证券") | pks("broker", key="乙证券") == left
    blocked = TransferRequest.objects.get(branch=people.branch, state="blocked")
    assert pks("blocked", key="bond_repo_open") == {blocked.pk}
    assert pks("blocked", key="ipo_frozen") == set()
    phone = TransferRequest.objects.get(branch=people.branch, approvals__mode="phone")
    assert pks("sign_offs") == {phone.pk}


def test_a_list_is_masked_and_read_only(hq_client, world):
    people = world["people"]
    url = reverse("headoffice_branch_figure", args=[people.branch.pk, "churn"])
    response = hq_client.get(url, MONTH_Q)
    text = page(response)
    for row in response.context["rows"]:
        assert row.request.customer.masked_name in text
        assert row.request.customer.name not in text
    # No form but the top bar's sign-out.
    assert re.findall(r'<form method="post" action="([^"]*)"', text) == [reverse("logout")]
    assert hq_client.post(url).status_code == 405


@pytest.mark.parametrize(
    ("url", "query", "status"),
    [
        ("headoffice_figure", {"figure": "nonsense"}, 404),
        ("headoffice_branch_figure", {"figure": "nonsense"}, 404),
        ("headoffice_figure", {"figure": "reason"}, 400),  # which line?
        ("headoffice_branch_figure", {"figure": "tier", "key": "platinum"}, 400),
        ("headoffice_branch_figure", {"figure": "blocked", "key": ""}, 400),
        ("headoffice_branch_figure", {"figure": "churn", "month": "2026-13"}, 400),
        ("headoffice_branch_figure", {"figure": "churn", "page": "x"}, 200),
        ("headoffice_branch_figure", {"figure": "reason", "key": ""}, 200),  # no reason
        ("headoffice_branch_figure", {"figure": "broker", "key": "\x00"}, 200),
    ],
)
def test_a_bad_figure_or_line_is_refused_not_an_error(hq_client, world, url, query, status):
    query = dict(query)
    figure = query.pop("figure")
    args = [figure] if url == "headoffice_figure" else [world["people"].branch.pk, figure]
    assert hq_client.get(reverse(url, args=args), {**MONTH_Q, **query}).status_code == status


def test_another_branch_number_is_a_404(hq_client, world):
    url = reverse("headoffice_branch_figure", args=[987654, "churn"])
    assert hq_client.get(url, MONTH_Q).status_code == 404


@pytest.mark.parametrize("role", [Role.GENERAL_MANAGER, Role.AUDITOR])
def test_branch_staff_are_refused_the_lists(client, world, role):
    people = world["people"]
    client.force_login(StaffFactory(branch=people.branch, roles=[role]))
    for figure in FIGURES:
        for url in (
            reverse("headoffice_figure", args=[figure]),
            reverse("headoffice_branch_figure", args=[people.branch.pk, figure]),
            reverse("headoffice_branch_figure", args=[world["other"].branch.pk, figure]),
        ):
            assert client.get(url, {**MONTH_Q, "key": "x"}).status_code == 403, url


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_a_list_costs_the_same_queries_however_long(hq_client, world, figure, frozen_now):
    people = world["people"]
    key = {"reason": "moved_away", "tier": "ordinary", "broker": "甲证券"}.get(figure)
    key = "bond_repo_open" if figure == "blocked" else key
    query = {**MONTH_Q, **({"key": key} if key else {})}
    url = reverse("headoffice_branch_figure", args=[people.branch.pk, figure])
    hq_client.get(url, query)  # the session and the user, read once
    with CaptureQueriesContext(connection) as short:
        before = hq_client.get(url, query).context["total"]

    at(frozen_now, dt.date(2026, 11, 25))
    for _i in range(3):  # three more of everything
        go_through(people, in_retention(people, people.customer(), broker="甲证券"))
        late = awaiting(people, people.customer())
        TransferRequest.objects.filter(pk=late.pk).update(due_on=dt.date(2026, 11, 20))
        to_state(people, "blocked")
        services.transfer_record_phone_approval(
            request=awaiting(people, people.customer()), actor=people.clerk, approver=people.lead
        )
    at(frozen_now, DECEMBER_FIRST)
    with CaptureQueriesContext(connection) as longer:
        after = hq_client.get(url, query).context["total"]
    # Late: the three made late, and the six more still running on the 1st past their due
    # day of the 27th (blocked, waiting on the sign-off's request).
    assert after == before + (9 if figure == "late" else 3)
    # The session, the user and their roles, the top bar's links, the branch, the lines
    # (and the reason's name).
    assert len(longer) == len(short) <= 10


def test_the_firm_figure_page_costs_the_same_queries_for_any_number_of_branches(
    hq_client, world, django_assert_max_num_queries
):
    url = reverse("headoffice_figure", args=["reason"])
    query = {**MONTH_Q, "key": "moved_away"}
    hq_client.get(url, query)
    # The session, the user and their roles, the top bar's links, the figures, the reason.
    with django_assert_max_num_queries(9):
        assert hq_client.get(url, query).status_code == 200
