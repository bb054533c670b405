"""The monthly figures as CSV and XLSX, laid out as on the page (retention/tables.py)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .tables import cell_text, figure_tables


def analysis_csv(figures: dict[str, Any]) -> bytes:
    """One file, one section after another: a title line, the header, the rows. UTF-8
    with a byte-order mark so Excel on a Chinese Windows opens it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Monthly churn analysis"), figures["branch"]["name"], figures["month"]])
    for table in figure_tables(figures):
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow(["" if c is None else str(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def analysis_xlsx(figures: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in figure_tables(figures):
        sheet = book.create_sheet(table.key[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(table.header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            # Numbers stay numbers (Decimal, never float text) so the meeting can sum them.
            sheet.append([c if isinstance(c, int | Decimal) else cell_text(c) for c in row])
        sheet.column_dimensions["A"].width = 42
        for letter in "BCDEF":
            sheet.column_dimensions[letter].width = 16
    book.properties.title = f"{figures['branch']['name']} {figures['month']}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
