"""The monthly figures laid out as tables — one layout for the page, the CSV, the XLSX and
the PDF, so the four always show the same numbers under the same headings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from accounts.models import CustomerKind, Tier


class Amount(Decimal):
    """A sum in CNY, two places. Still a Decimal (the spreadsheet sums it, the CSV writes it
    as it is); the type only tells the page, the PDF and the workbook to show it as money,
    grouped by thousands, where a percentage (a plain Decimal) is not."""


Cell = int | Decimal | str | None


@dataclass
class FigureTable:
    key: str
    title: str
    header: list[str]
    rows: list[list[Cell]]
    numeric_from: int = 1  # columns from this one on are numbers

    @property
    def shown_rows(self) -> list[list[str]]:
        """The rows as the page and the PDF print them."""
        return [[cell_text(c) for c in row] for row in self.rows]


def _en() -> bool:
    return (get_language() or "").startswith("en")


def _name(zh: str, en: str, *, blank: str) -> str:
    text = en if _en() and en else zh
    return text or blank


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _cny(value: str | None) -> Amount | None:
    return None if value is None else Amount(value)


def tier_label(code: str) -> str:
    if code == "institution":
        return str(CustomerKind.INSTITUTION.label)
    return str(Tier(code).label) if code in Tier.values else code or "—"


def cell_text(value: Cell) -> str:
    """A cell as people read it: counts and amounts grouped by thousands in the reader's
    locale (what the templates' floatformat:"g" does), a percentage as computed."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Amount):
        return number_format(value, 2, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    return str(value)


def figure_tables(f: dict[str, Any]) -> list[FigureTable]:
    no_reason = _("(no reason recorded)")
    left, assets = _("Customers who left"), _("Assets lost (CNY)")
    prev, change = f["previous"], f["change"]
    tables = [
        FigureTable(
            "summary",
            _("Summary: {month} compared with {previous}").format(
                month=f["month"], previous=prev["month"]
            ),
            [_("Figure"), f["month"], prev["month"], pgettext("month on month", "Change")],
            [
                [left, f["churn"]["count"], prev["churn"], change["churn"]],
                [
                    assets,
                    _cny(f["churn"]["assets"]),
                    _cny(prev["assets"]),
                    _cny(change["assets"]),
                ],
                [
                    _("Retention rate (%)"),
                    _dec(f["retention"]["rate"]),
                    _dec(prev["retention_rate"]),
                    _dec(change["retention_rate"]),
                ],
                [
                    _("Commitments kept on time (%)"),
                    _dec(f["commitments"]["on_time_rate"]),
                    _dec(prev["commitments_on_time_rate"]),
                    _dec(change["commitments_on_time_rate"]),
                ],
                [
                    _("Decided after the retention talk (stayed / decided)"),
                    f"{f['retention']['stayed']} / {f['retention']['decided']}",
                    None,
                    None,
                ],
                [_("Deferred this month"), f["deferred"], None, None],
            ],
        ),
        FigureTable(
            "by_reason",
            _("Who left, by primary reason"),
            [_("Reason"), left, assets],
            [
                [_name(r["name_zh"], r["name_en"], blank=no_reason), r["count"], _cny(r["assets"])]
                for r in f["by_reason"]
            ],
        ),
        FigureTable(
            "by_tier",
            _("Who left, by tier"),
            [_("Tier"), left, assets],
            [[tier_label(r["tier"]), r["count"], _cny(r["assets"])] for r in f["by_tier"]],
        ),
        FigureTable(
            "by_manager",
            _("Who left, by account manager"),
            [_("Account manager"), left, assets],
            [[r["name"] or _("(none)"), r["count"], _cny(r["assets"])] for r in f["by_manager"]],
        ),
        FigureTable(
            "by_broker",
            _("Who left, by receiving broker"),
            [_("Receiving broker"), left, assets],
            [
                [r["broker"] or _("(no Shenzhen transfer)"), r["count"], _cny(r["assets"])]
                for r in f["by_broker"]
            ],
        ),
        FigureTable(
            "retention_by_reason",
            _("Retention by reason"),
            [_("Reason"), _("Decided"), _("Stayed"), _("Retention rate (%)")],
            [
                [
                    _name(r["name_zh"], r["name_en"], blank=no_reason),
                    r["decided"],
                    r["stayed"],
                    _dec(r["rate"]),
                ]
                for r in f["retention_by_reason"]
            ],
        ),
        FigureTable(
            "retention_by_step",
            _("Retention by playbook step (requests on which the step was done)"),
            [_("Reason"), _("Step"), _("Done on"), _("Stayed"), _("Retention rate (%)")],
            [
                [
                    _name(r["reason_zh"], r["reason_en"], blank=no_reason),
                    _name(r["text_zh"], r["text_en"], blank=r["key"]),
                    r["tried"],
                    r["stayed"],
                    _dec(r["rate"]),
                ]
                for r in f["retention_by_step"]
            ]
            + [
                [
                    _("(none)"),
                    _("No playbook step recorded"),
                    f["retention_without_attempt"]["decided"],
                    f["retention_without_attempt"]["stayed"],
                    _dec(f["retention_without_attempt"]["rate"]),
                ]
            ],
            numeric_from=2,
        ),
        FigureTable(
            "commitments",
            _("Commitments falling due this month"),
            [
                _("Due"),
                _("Kept on time"),
                _("Kept late"),
                _("Still open"),
                _("Cancelled"),
                _("Kept on time (%)"),
            ],
            [
                [
                    f["commitments"]["due"],
                    f["commitments"]["kept_on_time"],
                    f["commitments"]["kept_late"],
                    f["commitments"]["open"],
                    f["commitments"]["cancelled"],
                    _dec(f["commitments"]["on_time_rate"]),
                ]
            ],
            numeric_from=0,
        ),
        FigureTable(
            "trend",
            _("The last twelve months"),
            [_("Month"), left, assets, _("Decided"), _("Stayed"), _("Retention rate (%)")],
            [
                [
                    r["month"],
                    r["churn"],
                    _cny(r["assets"]),
                    r["decided"],
                    r["stayed"],
                    _dec(r["rate"]),
                ]
                for r in f["trend"]
            ],
        ),
    ]
    return tables
