"""The visible watermark on every copy that leaves the archive: who is looking and when
(records Art. 6(3): nothing copied or leaked — a copy that does leak names its viewer)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from kernel.pdf import register_font

_TILE = Color(0.55, 0.1, 0.1, alpha=0.18)
_BAND = Color(0.55, 0.1, 0.1, alpha=0.85)


def _overlay(width: float, height: float, lines: Sequence[str]) -> PdfReader:
    """One page of watermark the size of the page it covers: the text repeated across the
    page at an angle, and once in full along the bottom edge."""
    font = register_font()
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(width, height))
    text = "  ·  ".join(lines)
    size = max(9.0, min(width, height) / 40)
    sheet.saveState()
    sheet.setFillColor(_TILE)
    sheet.setFont(font, size)
    sheet.translate(width / 2, height / 2)
    sheet.rotate(35)
    step_y = size * 7
    span = max(width, height)
    y = -span
    while y < span:
        sheet.drawCentredString(0, y, text)
        y += step_y
    sheet.restoreState()
    sheet.setFillColor(_BAND)
    sheet.setFont(font, 7.5)
    for i, line in enumerate(reversed(lines)):
        sheet.drawString(6 * mm, 4 * mm + i * 9, line)
    sheet.showPage()
    sheet.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def pdf_watermark(data: bytes, *, lines: Sequence[str]) -> bytes:
    """The watermark over every page of a copy the archives rebuilt (disarm.py): the file it
    is given is already only pictures, so nothing here has to clean it."""
    writer = PdfWriter(clone_from=io.BytesIO(data))
    overlays: dict[tuple[float, float], PdfReader] = {}
    for page in writer.pages:
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        key = (round(width, 1), round(height, 1))
        if key not in overlays:
            overlays[key] = _overlay(width, height, lines)
        page.merge_transformed_page(
            overlays[key].pages[0],
            Transformation().translate(float(box.left), float(box.bottom)),
            over=True,
        )
    writer.add_metadata({"/Subject": " · ".join(lines)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
