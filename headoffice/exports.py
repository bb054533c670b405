"""The console's figures as CSV, XLSX and PDF, written by retention's exporters so they read
like a branch's monthly analysis.

The PDF lays out its own tables: its ranking and compliance tables hold a row for every
branch (150 at a large broker), and a reportlab Paragraph in each cell, wrapped line by
line, cost most of the export's time. A cell whose text fits on one line is drawn as a
plain string in the same font; only a longer one (a branch's long name) is wrapped. The
column widths are set per table so a branch's name and an amount fit on one line."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from kernel import pdf
from kernel.calendar import BEIJING
from retention.charts import trend_drawing
from retention.exports import tables_csv, tables_xlsx
from retention.tables import FigureTable, cell_text

from .tables import compliance_tables, console_tables

SHEET_NAMES: dict[str, Promise] = {
    "summary": pgettext_lazy("workbook sheet, max 31 characters", "Summary"),
    "ranking": pgettext_lazy("workbook sheet, max 31 characters", "Branches"),
    "by_reason": pgettext_lazy("workbook sheet, max 31 characters", "By reason"),
    "by_tier": pgettext_lazy("workbook sheet, max 31 characters", "By tier"),
    "by_broker": pgettext_lazy("workbook sheet, max 31 characters", "By receiving broker"),
    "compliance": pgettext_lazy("workbook sheet, max 31 characters", "Compliance"),
    "blocked": pgettext_lazy("workbook sheet, max 31 characters", "Blocking conditions"),
}


def _tables(f: dict[str, Any]) -> list[Any]:
    return console_tables(f) + compliance_tables(f)


def console_csv(f: dict[str, Any]) -> bytes:
    return tables_csv([_("Head-office console"), f["first"], f["last"]], _tables(f))


def console_xlsx(f: dict[str, Any]) -> bytes:
    return tables_xlsx(
        _tables(f),
        title=f"{_('Head-office console')} {f['first']}–{f['last']}",
        sheet_names=SHEET_NAMES,
    )


# The PDF's column widths in mm (the page's 174 in all), by table.
PDF_WIDTHS: dict[str, list[float]] = {
    "summary": [124, 50],
    "ranking": [14, 50, 24, 38, 24, 24],
    "by_reason": [104, 30, 40],
    "by_tier": [104, 30, 40],
    "by_broker": [104, 30, 40],
    "compliance": [41, 19, 19, 19, 19, 19, 19, 19],
    "blocked": [134, 40],
}
_FONT_SIZE, _LEADING, _PADDING = 8, 11, 6  # the kit's "small" style; reportlab's padding


def _pdf_table(table: FigureTable) -> Table:
    small = pdf.styles()["small"]
    right = ParagraphStyle("small-right", parent=small, alignment=2)
    font = small.fontName
    columns = len(table.header)
    widths = PDF_WIDTHS.get(table.key, [])
    if len(widths) != columns:
        widths = [174 / columns] * columns

    def cell(text: str, width_mm: float, numeric: bool) -> str | Paragraph:
        if stringWidth(text, font, _FONT_SIZE) <= width_mm * mm - 2 * _PADDING:
            return text
        return Paragraph(escape(text), right if numeric else small)

    numeric_from = table.numeric_from
    header = [
        Paragraph(escape(h), right if i >= numeric_from else small)
        for i, h in enumerate(table.header)
    ]
    rows = [
        [cell(cell_text(c), widths[i], i >= numeric_from) for i, c in enumerate(row)]
        for row in table.rows
    ] or [[_("None")] + [""] * (columns - 1)]
    grid = Table([header, *rows], colWidths=[w * mm for w in widths], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 1), (-1, -1), font, _FONT_SIZE, _LEADING),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return grid


def console_pdf(f: dict[str, Any]) -> bytes:
    s = pdf.styles()
    story: list[Flowable] = [
        Paragraph(_("Head-office console"), s["title"]),
        Paragraph(
            _("Every branch · {first} to {last} (Art. 7)").format(first=f["first"], last=f["last"]),
            s["subtitle"],
        ),
        # Under the title, not after the last table, where it took a page of its own.
        Paragraph(
            _("Printed {now}.").format(
                now=f"{timezone.localtime(timezone.now(), BEIJING):%Y-%m-%d %H:%M}"
            ),
            s["small"],
        ),
        pdf.spacer(),
    ]
    for table in _tables(f):
        story += [Paragraph(escape(table.title), s["heading"]), _pdf_table(table)]
        if table.key == "summary":
            story += [
                Paragraph(_("The last twelve months"), s["heading"]),
                trend_drawing(f["trend"]),
            ]
    return pdf.render(story, title=f"head-office-{f['first']}-{f['last']}")
