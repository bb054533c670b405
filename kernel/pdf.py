"""The PDF kit: every printed paper uses one embedded Chinese font (WenQuanYi Micro Hei,
shipped by a PyPI package and subset into each file) so it prints the same on any machine."""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import paperang_p2_fonts_cjk
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

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


# A paper as plain data ---------------------------------------------------------------------
# What a paper says, decided where the database and the reader's language are (the labels
# translated, the customer's words escaped), and how it is drawn, which needs neither: a
# `Paper` pickles, so a batch of them can be drawn in other processes (archives' nightly
# filing) and comes out as the same file as when drawn here.


@dataclass(frozen=True)
class Text:
    markup: str
    style: str = "body"
    align: int | None = None  # reportlab's: 0 left, 1 centre, 2 right; the style's if None


@dataclass(frozen=True)
class Space:
    height_mm: float = 4


@dataclass(frozen=True)
class KeyValues:
    rows: tuple[tuple[str, str], ...]
    widths: tuple[float, float] = (40, 130)


@dataclass(frozen=True)
class Grid:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]


@dataclass(frozen=True)
class Signatures:
    labels: tuple[str, ...]
    height_mm: float = 24


@dataclass(frozen=True)
class NewPage:
    pass


Block = Text | Space | KeyValues | Grid | Signatures | NewPage


@dataclass(frozen=True)
class Paper:
    blocks: tuple[Block, ...]
    title: str
    author: str = ""


def text(markup: str, style: str = "body", *, align: int | None = None) -> Text:
    return Text(str(markup), style, align)


def key_values(
    rows: Iterable[tuple[str, str]], *, widths: tuple[float, float] = (40, 130)
) -> KeyValues:
    """Values as the table shows them: an empty one is a dash, as in key_value_table."""
    return KeyValues(tuple((str(k), str(v) if v else "") for k, v in rows), widths)


def grid(header: Iterable[str], rows: Iterable[Iterable[Any]], widths: Iterable[float]) -> Grid:
    """Cells as the grid shows them: an empty one is a dash, as in grid_table."""
    return Grid(
        tuple(str(h) for h in header),
        tuple(tuple(str(c) if c else "" for c in row) for row in rows),
        tuple(float(w) for w in widths),
    )


def signatures(labels: Iterable[str], *, height_mm: float = 24) -> Signatures:
    return Signatures(tuple(str(label) for label in labels), height_mm)


def paper(blocks: Iterable[Block], *, title: str, author: str = "") -> Paper:
    return Paper(tuple(blocks), str(title), str(author))


def _flowable(block: Block) -> Flowable:
    if isinstance(block, Text):
        style = styles()[block.style]
        if block.align is not None:
            style = ParagraphStyle(f"{block.style}_aligned", parent=style, alignment=block.align)
        return Paragraph(block.markup, style)
    if isinstance(block, Space):
        return spacer(block.height_mm)
    if isinstance(block, KeyValues):
        return key_value_table(block.rows, widths=block.widths)
    if isinstance(block, Grid):
        return grid_table(block.header, block.rows, block.widths)
    if isinstance(block, Signatures):
        return signature_boxes(block.labels, height_mm=block.height_mm)
    return PageBreak()


def paper_render(paper: Paper) -> bytes:
    """The file of a paper; needs no database, no settings and no Django."""
    return render([_flowable(b) for b in paper.blocks], title=paper.title, author=paper.author)


def papers_render(papers: Sequence[Paper]) -> list[bytes]:
    """The files of several papers, in order: what a worker process is handed at a time."""
    return [paper_render(p) for p in papers]


def drawer_ready(parent_pid: int) -> None:
    """Starts a process that draws papers for another (archives' nightly filing): the font
    read once, and the process ends itself once `parent_pid` is gone, so a parent killed
    outright (a Celery task past its hard time limit) leaves no drawer waiting forever."""
    register_font()

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
