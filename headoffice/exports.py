"""The console's figures as CSV, XLSX and PDF, written by retention's exporters so they read
like a branch's monthly analysis."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from reportlab.platypus import Flowable, Paragraph

from kernel import pdf
from kernel.calendar import BEIJING
from retention.exports import tables_csv, tables_xlsx
from retention.pdf import tables_story

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


def console_pdf(f: dict[str, Any]) -> bytes:
    s = pdf.styles()
    story: list[Flowable] = [
        Paragraph(_("Head-office console"), s["title"]),
        Paragraph(
            _("Every branch · {first} to {last} (Art. 7)").format(first=f["first"], last=f["last"]),
            s["subtitle"],
        ),
        pdf.spacer(),
        *tables_story(_tables(f), trend=f["trend"]),
        pdf.spacer(2),
        Paragraph(
            _("Printed {now}.").format(
                now=f"{timezone.localtime(timezone.now(), BEIJING):%Y-%m-%d %H:%M}"
            ),
            s["small"],
        ),
    ]
    return pdf.render(story, title=f"head-office-{f['first']}-{f['last']}")
