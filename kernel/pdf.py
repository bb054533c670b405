"""The PDF kit: every printed paper uses one embedded Chinese font (WenQuanYi Micro Hei,
shipped by a PyPI package and subset into each file) so it prints the same on any machine."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import paperang_p2_fonts_cjk
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_NAME = "WenQuanYiMicroHei"
FONT_PATH = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"


@lru_cache(maxsize=1)
def register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    return FONT_NAME


def styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1),
        "subtitle": ParagraphStyle("subtitle", fontName=font, fontSize=9, leading=13, alignment=1),
        "heading": ParagraphStyle("heading", fontName=font, fontSize=11, leading=16, spaceBefore=6),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14),
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=11),
    }


def key_value_table(
    rows: Sequence[tuple[str, str]], *, widths: tuple[float, float] = (40, 130)
) -> Table:
    body = styles()["body"]
    table = Table(
        [[Paragraph(k, body), Paragraph(v or "—", body)] for k, v in rows],
        colWidths=[widths[0] * mm, widths[1] * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def grid_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> Table:
    body = styles()["small"]
    data = [[Paragraph(h, body) for h in header]]
    data += [[Paragraph(str(c) if c else "—", body) for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def render(flowables: list[Flowable], *, title: str, author: str = "") -> bytes:
    register_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=author,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    doc.build(flowables)
    return buffer.getvalue()


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def signature_boxes(labels: Sequence[str], *, height_mm: float = 24) -> Table:
    """Side-by-side boxes for handwritten signatures and stamps, the label at the top of each."""
    small = styles()["small"]
    width = 174 / max(len(labels), 1)
    table = Table(
        [[Paragraph(label, small) for label in labels]],
        colWidths=[width * mm] * len(labels),
        rowHeights=[height_mm * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table
