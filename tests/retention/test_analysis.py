"""The monthly analysis (Art. 7), checked against a small data set computed by hand, and the
CSV, XLSX and PDF that carry it."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from kernel.errors import Forbidden
from retention.exports import SHEET_NAMES, sheet_name
from retention.models import MonthlyReport
from retention.selectors import monthly_figures
from retention.services import (
    commitment_cancel,
    commitment_create,
    commitment_keep,
    monthly_report_prepare,
)
from retention.tables import figure_tables
from tests.builders import (
    at,
    built_once,
    defers,
    go_through,
    in_retention,
    make_branch,
    page,
    stays,
    tick,
)

NOVEMBER = dt.date(2026, 11, 1)


def _build_month(frozen_now):
    """October: one left (300 000, moved away), one stayed.
    November: promises 1 kept on time, 1 kept late, 1 open, 1 cancelled; then
      c1 ordinary 100 000, moved away → left to 甲证券
      c2 important 1 000 000, commission → left to 乙证券
      c3 ordinary, moved away, online trading shown → stayed
      c4 ordinary 50 000, moved away, online trading shown → left to 甲证券
      c5 ordinary, competition → deferred."""
    people = make_branch()
    at(frozen_now, dt.date(2026, 10, 20))
    go_through(people, in_retention(people, people.customer(assets="300000"), broker="甲证券"))
    stays(people, in_retention(people))

    at(frozen_now, dt.date(2026, 11, 10))
    promised = [
        commitment_create(
            customer=people.customer(), actor=people.clerk, what=f"承诺{n}", within_trading_days=n
        )
        for n in (1, 2, 5, 3)
    ]
    at(frozen_now, dt.date(2026, 11, 11))
    commitment_keep(commitment=promised[0], actor=people.am, evidence="按时完成")
    at(frozen_now, dt.date(2026, 11, 12))
    commitment_cancel(commitment=promised[3], actor=people.am, reason="客户取消")
    at(frozen_now, dt.date(2026, 11, 16))
    commitment_keep(commitment=promised[1], actor=people.am, evidence="迟了两天")

    at(frozen_now, dt.date(2026, 11, 25))
    go_through(people, in_retention(people, people.customer(assets="100000"), broker="甲证券"))
    go_through(
        people,
        in_retention(
            people, people.customer("important"), reason_code="commission", broker="乙证券"
        ),
    )
    c3 = in_retention(people, people.customer(assets="200000"))
    tick(people, c3, "show_online")
    stays(people, c3)
    c4 = in_retention(people, people.customer(assets="50000"), broker="甲证券")
    tick(people, c4, "show_online")
    go_through(people, c4)
    defers(people, in_retention(people, reason_code="competition"), dt.date(2026, 12, 9))
    return people


@pytest.fixture(scope="module")
def _month_once(django_db_setup, django_db_blocker):
    # Every test of the module reads this month: built once, in a transaction rolled back
    # after the last test; each test runs in a savepoint of it, rolled back after it.
    yield from built_once(django_db_blocker, _build_month, clock=True)


@pytest.fixture
def month_data(_month_once, db):
    """`people`'s branch with the month described in _build_month."""
    return _month_once


@pytest.fixture
def people(month_data):
    """The branch of month_data (the suite's people fixture would build a second SH01)."""
    return month_data


def test_the_months_figures_match_the_hand_count(month_data):
    f = monthly_figures(branch=month_data.branch, month=NOVEMBER)
    assert f["month"] == "2026-11"
    assert f["churn"] == {"count": 3, "assets": "1150000.00"}
    assert [(r["code"], r["count"], r["assets"]) for r in f["by_reason"]] == [
        ("moved_away", 2, "150000.00"),
        ("commission", 1, "1000000.00"),
    ]
    assert [(r["tier"], r["count"], r["assets"]) for r in f["by_tier"]] == [
        ("important", 1, "1000000.00"),
        ("ordinary", 2, "150000.00"),
    ]
    assert [(r["id"], r["count"]) for r in f["by_manager"]] == [(month_data.am.pk, 3)]
    assert [(r["broker"], r["count"], r["assets"]) for r in f["by_broker"]] == [
        ("甲证券", 2, "150000.00"),
        ("乙证券", 1, "1000000.00"),
    ]
    assert f["retention"] == {"decided": 4, "stayed": 1, "rate": "25.0"}
    assert [
        (r["code"], r["decided"], r["stayed"], r["rate"]) for r in f["retention_by_reason"]
    ] == [
        ("moved_away", 3, 1, "33.3"),
        ("commission", 1, 0, "0.0"),
    ]
    assert [(r["key"], r["tried"], r["stayed"], r["rate"]) for r in f["retention_by_step"]] == [
        ("show_online", 2, 1, "50.0")
    ]
    assert f["retention_without_attempt"] == {"decided": 2, "stayed": 0, "rate": "0.0"}
    assert f["deferred"] == 1
    assert f["commitments"] == {
        "due": 4,
        "kept_on_time": 1,
        "kept_late": 1,
        "open": 1,
        "cancelled": 1,
        "on_time_rate": "33.3",
    }
    assert [t["month"] for t in f["trend"]][0::11] == ["2025-12", "2026-11"]
    october = f["trend"][-2]
    assert october == {
        "month": "2026-10",
        "churn": 1,
        "assets": "300000.00",
        "decided": 2,
        "stayed": 1,
        "rate": "50.0",
    }
    assert f["previous"]["retention_rate"] == "50.0"
    assert f["change"] == {
        "churn": 2,
        "assets": "850000.00",
        "retention_rate": "-25.0",
        "commitments_on_time_rate": None,
    }


def test_the_figures_take_the_same_number_of_queries_whatever_the_size(people, month_data):
    with CaptureQueriesContext(connection) as small:
        monthly_figures(branch=people.branch, month=NOVEMBER)
    for _n in range(3):
        c = in_retention(people, reason_code="research")
        tick(people, c, "learn_needs")
        go_through(people, c)
    with CaptureQueriesContext(connection) as large:
        figures = monthly_figures(branch=people.branch, month=NOVEMBER)
    assert figures["churn"]["count"] == 6
    assert len(large) == len(small) <= 12


def test_another_branchs_churn_is_not_counted(month_data, other_branch):
    go_through(other_branch, in_retention(other_branch))
    assert monthly_figures(branch=month_data.branch, month=NOVEMBER)["churn"]["count"] == 3
    assert monthly_figures(branch=other_branch.branch, month=NOVEMBER)["churn"]["count"] == 1


def test_preparing_the_report_twice_keeps_one_with_the_figures(month_data):
    first = monthly_report_prepare(branch=month_data.branch, month=dt.date(2026, 11, 17))
    again = monthly_report_prepare(branch=month_data.branch, month=NOVEMBER)
    assert first.pk == again.pk and again.month == NOVEMBER
    assert MonthlyReport.objects.count() == 1
    assert again.figures["churn"] == {"count": 3, "assets": "1150000.00"}


def test_only_the_branchs_directors_keep_the_months_report_by_hand(month_data):
    """Art. 7: the monthly meeting's report is the marketing director's and general
    manager's to keep again by hand; the counter cannot, and nothing is written."""
    with pytest.raises(Forbidden, match="Only the marketing director or general manager"):
        monthly_report_prepare(branch=month_data.branch, month=NOVEMBER, actor=month_data.clerk)
    assert not MonthlyReport.objects.exists()
    kept = monthly_report_prepare(branch=month_data.branch, month=NOVEMBER, actor=month_data.md)
    assert kept.figures["churn"]["count"] == 3


def test_the_page_shows_the_figures_the_chart_and_the_comparison(month_data, en_client):
    en_client.force_login(month_data.md)
    shown = page(en_client.get(reverse("retention_analysis") + "?month=2026-11"))
    assert 'id="churn-count">3<' in shown
    assert 'id="churn-assets">1,150,000.00<' in shown
    assert 'id="retention-rate">25.0<' in shown
    assert "Show online trading in person" in shown and "50.0" in shown
    assert "Moved house / branch too far" in shown and "乙证券" in shown
    assert shown.count("<rect ") >= 12 and "<polyline" in shown  # bars and the rate line
    assert "2026-10" in shown and "-25.0" in shown  # the comparison with October


def test_the_csv_carries_the_figures(month_data, en_client):
    en_client.force_login(month_data.am)
    response = en_client.get(reverse("retention_analysis_csv") + "?month=2026-11")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Customers who left", "3", "1", "2"] in rows
    assert ["Assets lost (CNY)", "1150000.00", "300000.00", "850000.00"] in rows
    assert ["Moved house / branch too far", "3", "1", "33.3"] in rows
    assert ["2026-11", "3", "1150000.00", "4", "1", "25.0"] in rows


def test_the_spreadsheet_opens_and_carries_the_figures(month_data, en_client):
    en_client.force_login(month_data.am)
    response = en_client.get(reverse("retention_analysis_xlsx") + "?month=2026-11")
    book = load_workbook(io.BytesIO(response.content))
    summary = [tuple(r) for r in book["Summary"].iter_rows(min_row=3, values_only=True)]
    assert summary[0][:4] == ("Customers who left", 3, 1, 2)
    assert float(summary[1][1]) == 1150000.00 and float(summary[2][1]) == 25.0
    reasons = [tuple(r) for r in book["By reason"].iter_rows(min_row=3, values_only=True)]
    assert [(r[0], r[1], float(r[2])) for r in reasons] == [
        ("Moved house / branch too far", 2, 150000.0),
        ("Commission too high", 1, 1000000.0),
    ]
    steps = list(book["Retention by step"].iter_rows(min_row=3, values_only=True))
    assert steps[0][1].startswith("Show online trading in person") and float(steps[0][4]) == 50.0


def test_the_pdf_report_opens_and_carries_the_figures(month_data, en_client):
    en_client.force_login(month_data.gm)
    response = en_client.get(reverse("retention_analysis_pdf") + "?month=2026-11")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # Table cells wrap: compare with the line breaks read as spaces.
    text = " ".join("".join(p.extract_text() for p in reader.pages).split())
    assert "Monthly churn analysis" in text
    for figure in ("1,150,000.00", "25.0", "33.3", "850,000.00", "甲证券", "Show online trading"):
        assert figure in text, figure
    fonts = {
        str(font["/BaseFont"]) for p in reader.pages for font in p["/Resources"]["/Font"].values()
    }
    assert any("WenQuanYi" in f for f in fonts)  # the embedded Chinese font


def test_the_workbooks_sheets_are_named_in_the_readers_language(month_data, en_client):
    en_client.force_login(month_data.am)
    response = en_client.get(reverse("retention_analysis_xlsx") + "?month=2026-11")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Summary",
        "By reason",
        "By tier",
        "By account manager",
        "By receiving broker",
        "Retention by reason",
        "Retention by step",
        "Commitments",
        "Last twelve months",
    ]


def test_the_chinese_workbook_is_written_in_chinese_under_valid_sheet_names(
    month_data, client, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the product's default; the test settings read English
    client.force_login(month_data.am)
    response = client.get(reverse("retention_analysis_xlsx") + "?month=2026-11")
    book = load_workbook(io.BytesIO(response.content))
    with translation.override("zh-hans"):
        # The sheet names' Chinese is filled after merging; the tables' words already are.
        expected = [
            sheet_name(SHEET_NAMES[t.key], t.key)
            for t in figure_tables(monthly_figures(branch=month_data.branch, month=NOVEMBER))
        ]
        reasons_title = str(translation.gettext("Who left, by primary reason"))
    assert book.sheetnames == expected
    assert reasons_title != "Who left, by primary reason"  # the catalogue has it in Chinese
    assert book.worksheets[1]["A1"].value == reasons_title
    for name in book.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


def test_a_sheet_name_from_any_translation_is_one_excel_accepts():
    name = sheet_name("'按原因/分布: [明细]*? " + "很长" * 20, "by_reason")

    assert len(name) <= 31
    assert not set(name) & set("[]:*?/\\") and not name.startswith("'")
    assert name.startswith("按原因分布")
    assert sheet_name("[]:*?/", "by_reason") == "by_reason"


def test_money_and_counts_in_the_workbook_are_numbers_with_thousands_separators(
    month_data, en_client
):
    en_client.force_login(month_data.am)
    response = en_client.get(reverse("retention_analysis_xlsx") + "?month=2026-11")
    summary = load_workbook(io.BytesIO(response.content))["Summary"]
    left, assets = summary["B3"], summary["B4"]  # this month's customers who left, assets lost
    assert left.value == 3 and left.number_format == "#,##0"
    assert float(assets.value) == 1150000.0 and assets.number_format == "#,##0.00"
    rate = summary["B5"]  # a percentage is not money
    assert float(rate.value) == 25.0 and rate.number_format == "General"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_groups_a_large_amount_by_thousands(
    month_data, client, settings, monkeypatch, language
):
    from retention.views import analysis as analysis_view

    real = analysis_view.monthly_figures

    def rich_month(**kwargs):
        figures = real(**kwargs)
        figures["churn"]["assets"] = "1234567.89"
        figures["by_tier"][0]["assets"] = "1234567.89"
        return figures

    monkeypatch.setattr(analysis_view, "monthly_figures", rich_month)
    settings.LANGUAGE_CODE = language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(month_data.md)

    shown = page(client.get(reverse("retention_analysis") + "?month=2026-11"))

    assert 'id="churn-assets">1,234,567.89<' in shown
    assert '<td class="num">1,234,567.89</td>' in shown  # the tier's table too
    assert "1234567.89" not in shown
