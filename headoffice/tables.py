"""The console's figures laid out as tables — one layout for the page, the CSV, the XLSX and
the PDF (retention/tables.py's FigureTable, so they print as the branch analysis does)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from retention.tables import Amount, FigureTable, _name, tier_label


def _rate(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def console_tables(f: dict[str, Any]) -> list[FigureTable]:
    t = f["totals"]
    left, assets = _("Customers who left"), _("Assets lost (CNY)")
    return [
        FigureTable(
            "summary",
            _("The firm: {first} to {last}").format(first=f["first"], last=f["last"]),
            [_("Figure"), _("The firm")],
            [
                [left, t["churn_count"]],
                [assets, Amount(t["churn_assets"])],
                [_("Retention rate (%)"), _rate(t["retention_rate"])],
                [
                    _("Decided after the retention talk (stayed / decided)"),
                    f"{t['stayed']} / {t['decided']}",
                ],
                [_("Commitments kept on time (%)"), _rate(t["commitments_on_time_rate"])],
            ],
        ),
        FigureTable(
            "ranking",
            _("Branches, most customers lost first"),
            [
                pgettext("position in a ranking", "Rank"),
                _("Branch"),
                left,
                assets,
                _("Retention rate (%)"),
                _("Change on the month before"),
            ],
            [
                [
                    e["position"],
                    f"{e['branch'].code} {e['branch'].name}",
                    e["churn_count"],
                    Amount(e["churn_assets"]),
                    _rate(e["retention_rate"]),
                    e["change"],
                ]
                for e in f["ranking"]
            ],
            numeric_from=2,
        ),
        FigureTable(
            "by_reason",
            _("Who left, by primary reason"),
            [_("Reason"), left, assets],
            [
                [
                    _name(r["name_zh"], r["name_en"], blank=_("(no reason recorded)")),
                    r["count"],
                    Amount(r["assets"]),
                ]
                for r in f["by_reason"]
            ],
        ),
        FigureTable(
            "by_tier",
            _("Who left, by tier"),
            [_("Tier"), left, assets],
            [[tier_label(r["tier"]), r["count"], Amount(r["assets"])] for r in f["by_tier"]],
        ),
        FigureTable(
            # Art. 6: the competitors the customers went to.
            "by_broker",
            _("Who left, by receiving broker"),
            [_("Receiving broker"), left, assets],
            [
                [r["broker"] or _("(no Shenzhen transfer)"), r["count"], Amount(r["assets"])]
                for r in f["by_broker"]
            ],
        ),
    ]


def compliance_tables(f: dict[str, Any]) -> list[FigureTable]:
    t = f["totals"]
    header = [
        _("Branch"),
        _("Requests past two trading days"),
        _("Overdue phone sign-offs"),
        _("Revisits due"),
        _("Revisits done"),
        _("Revisit coverage (%)"),
        _("Commitments kept on time (%)"),
        _("Archive access outside grants"),
    ]

    def line(label: str, e: dict[str, Any]) -> list[Any]:
        return [
            label,
            e["late_requests"],
            e["overdue_sign_offs"],
            e["revisits_due"],
            e["revisits_done"],
            _rate(e["revisit_coverage"]),
            _rate(e["commitments_on_time_rate"]),
            e["archive_access_outside_grants"],
        ]

    ranked = sorted(f["ranking"], key=lambda e: e["branch"].code)
    return [
        FigureTable(
            "compliance",
            _("Compliance: {first} to {last}").format(first=f["first"], last=f["last"]),
            header,
            [line(_("The firm"), t)]
            + [line(f"{e['branch'].code} {e['branch'].name}", e) for e in ranked],
        ),
        FigureTable(
            "blocked",
            _("Requests held up, by blocking condition"),
            [_("Condition"), _("Requests")],
            [[code, n] for code, n in t["blocked_by_condition"].items()],
        ),
    ]
