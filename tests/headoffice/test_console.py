"""The head-office console: read by the head office only, the branches ranked, a figure
opening the requests behind it, the exports opening, and the same number of queries for
three branches as for ten."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.roles import Role
from headoffice.models import BranchMonthFigures
from headoffice.services import branch_month_figures_compute
from retention.selectors.analysis import add_months
from tests.accounts.factories import BranchFactory, StaffFactory
from tests.builders import page
from tests.headoffice.test_figures import DECEMBER_FIRST, NOVEMBER

MONTH_Q = {"month": "2026-11"}


def _figures(branch, month, churn, assets="0", **extra):
    return BranchMonthFigures.objects.create(
        branch=branch,
        month=month,
        churn_count=churn,
        churn_assets=Decimal(assets),
        decided=churn + 1,
        stayed=1,
        by_reason=[
            {
                "code": "moved_away",
                "name_zh": "迁居",
                "name_en": "Moved",
                "count": churn,
                "assets": assets,
            }
        ],
        by_tier=[{"tier": "ordinary", "count": churn, "assets": assets}],
        by_broker=[{"broker": "甲证券", "count": churn, "assets": assets}],
        computed_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        **extra,
    )


def _branches(n, months=12):
    branches = [BranchFactory(code=f"B{i:03d}", name=f"B{i:03d}营业部") for i in range(n)]
    for i, branch in enumerate(branches):
        for m in range(months):
            _figures(branch, add_months(NOVEMBER, -m), churn=i + m, assets=str(1000 * i))
    return branches


def test_the_branches_are_ranked_most_customers_lost_first(hq_client):
    a, b, c = (BranchFactory(code=code) for code in ("A01", "B02", "C03"))
    _figures(a, NOVEMBER, churn=2, assets="500")
    _figures(b, NOVEMBER, churn=5, assets="100")
    _figures(c, NOVEMBER, churn=2, assets="900")  # ties with A01, lost more assets
    _figures(b, add_months(NOVEMBER, -1), churn=1)
    response = hq_client.get(reverse("headoffice_console"), MONTH_Q)
    assert response.status_code == 200
    ranking = response.context["figures"]["ranking"]
    assert [(e["position"], e["branch"].code) for e in ranking] == [
        (1, "B02"),
        (2, "C03"),
        (3, "A01"),
    ]
    assert ranking[0]["change"] == 4
    assert response.context["figures"]["totals"]["churn_count"] == 9
    text = page(response)
    assert text.index("B02") < text.index("C03") < text.index("A01")
    assert "<svg" in text and "style=" not in text.split("<svg", 1)[1].split("</svg>")[0]


def test_a_range_adds_up_its_months(hq_client):
    branch = BranchFactory()
    _figures(branch, NOVEMBER, churn=2)
    _figures(branch, add_months(NOVEMBER, -1), churn=3)
    _figures(branch, add_months(NOVEMBER, -2), churn=7)  # before the range
    response = hq_client.get(reverse("headoffice_console"), {"from": "2026-10", "to": "2026-11"})
    assert response.context["figures"]["totals"]["churn_count"] == 5


@pytest.mark.parametrize(
    "query", [{"from": "2026-11", "to": "2026-10"}, {"month": "2026-13"}, {"to": "nonsense"}]
)
def test_a_bad_range_is_refused_not_an_error(hq_client, query):
    assert hq_client.get(reverse("headoffice_console"), query).status_code == 400


def test_the_late_figure_opens_exactly_its_requests(client, late_world):
    people = late_world["people"]
    branch_month_figures_compute(month=NOVEMBER, today=DECEMBER_FIRST)
    client.force_login(StaffFactory(roles=[Role.HQ_COMPLIANCE]))
    compliance = client.get(reverse("headoffice_compliance"), MONTH_Q)
    drill = reverse("headoffice_branch_figure", args=[people.branch.pk, "late"])
    assert drill in page(compliance)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("headoffice.views.beijing_today", lambda: DECEMBER_FIRST)
        response = client.get(drill, MONTH_Q)
        # The list's old address opens the same list.
        old = client.get(
            reverse("headoffice_branch_late_requests", args=[people.branch.pk]), MONTH_Q
        )
    assert response.status_code == 200
    assert {r.request.pk for r in response.context["rows"]} == late_world["late"]
    assert [r.request.pk for r in old.context["rows"]] == [
        r.request.pk for r in response.context["rows"]
    ]
    # The customer is masked in the list and on the read-only summary.
    req = response.context["rows"][0].request
    assert req.customer.name not in page(response)
    summary = client.get(reverse("headoffice_request", args=[req.pk]))
    assert summary.status_code == 200
    assert req.customer.masked_name in page(summary)
    assert req.customer.name not in page(summary)


def test_a_branch_page_shows_that_branch_only(hq_client):
    mine, other = BranchFactory(code="A01"), BranchFactory(code="B02")
    _figures(mine, NOVEMBER, churn=2)
    _figures(other, NOVEMBER, churn=9)
    response = hq_client.get(reverse("headoffice_branch", args=[mine.pk]), MONTH_Q)
    assert response.status_code == 200
    assert response.context["figures"]["totals"]["churn_count"] == 2
    assert hq_client.get(reverse("headoffice_branch", args=[987654])).status_code == 404


URLS = [
    ("headoffice_console", None),
    ("headoffice_compliance", None),
    ("headoffice_csv", None),
    ("headoffice_xlsx", None),
    ("headoffice_pdf", None),
    ("headoffice_branch", "branch"),
    ("headoffice_branch_late_requests", "branch"),
    ("headoffice_branch_figure", "figure"),
    ("headoffice_figure", "firm_figure"),
    ("headoffice_alerts", None),
    ("headoffice_alert", "alert"),
    ("headoffice_request", "request"),
]


@pytest.mark.parametrize("role", [Role.GENERAL_MANAGER, Role.AUDITOR, Role.MARKETING_DIRECTOR])
def test_branch_staff_are_refused_every_console_page(client, people, role):
    from tests.builders import to_awaiting_approval

    req = to_awaiting_approval(people, people.customer())
    client.force_login(StaffFactory(branch=people.branch, roles=[role]))
    for name, kind in URLS:
        args = {
            None: [],
            "branch": [people.branch.pk],
            "request": [req.pk],
            "figure": [people.branch.pk, "churn"],
            "firm_figure": ["churn"],
            "alert": [987654],
        }[kind]
        assert client.get(reverse(name, args=args)).status_code == 403, name


def test_a_superuser_reads_the_console(client, db):
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get(reverse("headoffice_console")).status_code == 200


def test_the_exports_open(hq_client):
    branch = BranchFactory(code="A01", name="甲营业部")
    _figures(branch, NOVEMBER, churn=3, assets="1234.50", late_requests=1)
    csv_rows = list(
        csv.reader(
            io.StringIO(
                hq_client.get(reverse("headoffice_csv"), MONTH_Q).content.decode("utf-8-sig")
            )
        )
    )
    assert any(row[:3] == ["1", "A01 甲营业部", "3"] for row in csv_rows)

    response = hq_client.get(reverse("headoffice_xlsx"), MONTH_Q)
    book = load_workbook(io.BytesIO(response.content))
    ranking = book.worksheets[1]
    assert [c.value for c in ranking[3]][:4] == [1, "A01 甲营业部", 3, Decimal("1234.50")]
    compliance = book.worksheets[5]
    assert [c.value for c in compliance[4]][:2] == ["A01 甲营业部", 1]

    response = hq_client.get(reverse("headoffice_pdf"), MONTH_Q)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "A01" in text


@pytest.mark.parametrize("name", ["headoffice_console", "headoffice_compliance"])
def test_a_page_costs_the_same_queries_for_three_branches_as_for_ten(hq_client, name):
    url = reverse(name)
    _branches(3)
    hq_client.get(url, MONTH_Q)  # the session and the user, read once
    with CaptureQueriesContext(connection) as three:
        assert hq_client.get(url, MONTH_Q).status_code == 200
    BranchMonthFigures.objects.all().delete()
    _branches(10)
    with CaptureQueriesContext(connection) as ten:
        response = hq_client.get(url, MONTH_Q)
    assert len(response.context["figures"]["ranking"]) == 10
    assert len(ten) == len(three)


def test_the_console_page_stays_under_its_query_budget(hq_client, django_assert_max_num_queries):
    _branches(10)
    # The session, the user and their roles, the top bar's links, and the figures.
    with django_assert_max_num_queries(9):
        assert hq_client.get(reverse("headoffice_console"), MONTH_Q).status_code == 200
