"""The monthly figures as CSV and XLSX, laid out as on the page (retention/tables.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from .tables import Amount, FigureTable, cell_text, figure_tables

# One sheet per table, named in the reader's language. The context tells translators what
# Excel allows: at most 31 characters, none of [ ] : * ? / \ (sheet_name() makes sure).
SHEET_NAMES: dict[str, Promise] = {
    "summary": pgettext_lazy("workbook sheet, max 31 characters", "Summary"),
    "by_reason": pgettext_lazy("workbook sheet, max 31 characters", "By reason"),
    "by_tier": pgettext_lazy("workbook sheet, max 31 characters", "By tier"),
    "by_manager": pgettext_lazy("workbook sheet, max 31 characters", "By account manager"),
    "by_broker": pgettext_lazy("workbook sheet, max 31 characters", "By receiving broker"),
    "retention_by_reason": pgettext_lazy(
        "workbook sheet, max 31 characters", "Retention by reason"
    ),
    "retention_by_step": pgettext_lazy("workbook sheet, max 31 characters", "Retention by step"),
    "commitments": pgettext_lazy("workbook sheet, max 31 characters", "Commitments"),
    "trend": pgettext_lazy("workbook sheet, max 31 characters", "Last twelve months"),
}
SHEET_NAME_MAX = 31
_NOT_IN_SHEET_NAMES = str.maketrans("", "", "[]:*?/\\")
# Thousands separators that stay numbers: Excel shows them in the reader's own locale.
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"


def analysis_csv(figures: dict[str, Any]) -> bytes:
    return tables_csv(
        [_("Monthly churn analysis"), figures["branch"]["name"], figures["month"]],
        figure_tables(figures),
    )


def tables_csv(title_row: list[str], tables: list[FigureTable]) -> bytes:
    """One file, one section after another: a title line, the header, the rows. UTF-8
    with a byte-order mark so Excel on a Chinese Windows opens it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(title_row)
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow(["" if c is None else str(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sheet_name(text: Any, fallback: str) -> str:
    """A name Excel accepts, whatever a translation holds: the forbidden characters dropped,
    no apostrophe at either end, at most 31 characters, never empty."""
    name = str(text).translate(_NOT_IN_SHEET_NAMES).strip().strip("'").strip()
    return name[:SHEET_NAME_MAX].strip() or fallback[:SHEET_NAME_MAX]


def analysis_xlsx(figures: dict[str, Any]) -> bytes:
    return tables_xlsx(
        figure_tables(figures),
        title=f"{figures['branch']['name']} {figures['month']}",
        sheet_names=SHEET_NAMES,
    )


def tables_xlsx(
    tables: list[FigureTable], *, title: str, sheet_names: Mapping[str, Promise]
) -> bytes:
    """One sheet per table, in the reader's language."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(sheet_name(sheet_names.get(table.key, table.key), table.key))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(table.header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            # Numbers stay numbers (Decimal, never float text) so the meeting can sum them.
            sheet.append([c if isinstance(c, int | Decimal) else cell_text(c) for c in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                if isinstance(value, Amount):
                    cell.number_format = MONEY_FORMAT
                elif isinstance(value, int):
                    cell.number_format = COUNT_FORMAT
        sheet.column_dimensions["A"].width = 42
        for letter in "BCDEF":
            sheet.column_dimensions[letter].width = 16
    book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
