"""The console's figures laid out as tables — one layout for the page, the CSV, the XLSX and
the PDF (retention/tables.py's FigureTable, so they print as the branch analysis does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from retention.tables import Amount, FigureTable, _name, cell_text, tier_label

from .drilldown import Drill


@dataclass
class LinkedTable(FigureTable):
    """A FigureTable whose counts open the requests behind them on the page (the exports
    read `rows` and print no links): `hrefs[i][j]` is where cell (i, j) opens, or None."""

    hrefs: list[list[str | None]] = field(default_factory=list)

    @property
    def cells(self) -> list[list[tuple[str, str | None]]]:
        """The rows as the page prints them, each cell with its link."""
        return [
            [
                (cell_text(c), self.hrefs[i][j] if i < len(self.hrefs) else None)
                for j, c in enumerate(row)
            ]
            for i, row in enumerate(self.rows)
        ]


def _rate(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _breakdown_hrefs(
    drill: Drill | None, figure: str, items: list[dict[str, Any]], key: str
) -> list[list[str | None]]:
    """Links for a who-left breakdown (label, count, assets): the count opens its line."""
    if drill is None:
        return []
    return [
        [None, drill.href(figure, str(item[key] or ""), count=item["count"]), None]
        for item in items
    ]


def console_tables(f: dict[str, Any], drill: Drill | None = None) -> list[FigureTable]:
    t = f["totals"]
    left, assets = _("Customers who left"), _("Assets lost (CNY)")
    return [
        LinkedTable(
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
        LinkedTable(
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
        LinkedTable(
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
            hrefs=_breakdown_hrefs(drill, "reason", f["by_reason"], "code"),
        ),
        LinkedTable(
            "by_tier",
            _("Who left, by tier"),
            [_("Tier"), left, assets],
            [[tier_label(r["tier"]), r["count"], Amount(r["assets"])] for r in f["by_tier"]],
            hrefs=_breakdown_hrefs(drill, "tier", f["by_tier"], "tier"),
        ),
        LinkedTable(
            # Art. 6: the competitors the customers went to.
            "by_broker",
            _("Who left, by receiving broker"),
            [_("Receiving broker"), left, assets],
            [
                [r["broker"] or _("(no Shenzhen transfer)"), r["count"], Amount(r["assets"])]
                for r in f["by_broker"]
            ],
            hrefs=_breakdown_hrefs(drill, "broker", f["by_broker"], "broker"),
        ),
    ]


def compliance_tables(f: dict[str, Any], drill: Drill | None = None) -> list[FigureTable]:
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

    def links(e: dict[str, Any], branch_id: int | None) -> list[str | None]:
        if drill is None:
            return []
        return [
            None,
            drill.href("late", count=e["late_requests"], branch_id=branch_id),
            drill.href("sign_offs", count=e["overdue_sign_offs"], branch_id=branch_id),
        ] + [None] * 5

    ranked = sorted(f["ranking"], key=lambda e: e["branch"].code)
    blocked = t["blocked_by_condition"].items()
    return [
        LinkedTable(
            "compliance",
            _("Compliance: {first} to {last}").format(first=f["first"], last=f["last"]),
            header,
            [line(_("The firm"), t)]
            + [line(f"{e['branch'].code} {e['branch'].name}", e) for e in ranked],
            hrefs=[links(t, None)] + [links(e, e["branch"].pk) for e in ranked],
        ),
        LinkedTable(
            "blocked",
            _("Requests held up, by blocking condition"),
            [_("Condition"), _("Requests")],
            [[code, n] for code, n in blocked],
            hrefs=[[None, drill.href("blocked", code, count=n)] for code, n in blocked]
            if drill
            else [],
        ),
    ]
