"""The visible watermark on every copy that leaves the archive: who is looking and when
(records Art. 6(3): nothing copied or leaked — a copy that does leak names its viewer)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import DictionaryObject, NameObject
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
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
    _strip_actions(writer)
    writer.add_metadata({"/Subject": " · ".join(lines)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _strip_actions(writer: PdfWriter) -> None:
    """A scan needs no scripts: actions run on opening, and document JavaScript, are dropped
    from the copy, so a hostile upload cannot act in the viewer's PDF reader."""
    root = writer.root_object
    for key in ("/OpenAction", "/AA"):
        root.pop(NameObject(key), None)
    names = root.get("/Names")
    if names is not None:
        names_dict = names.get_object()
        if isinstance(names_dict, DictionaryObject):
            names_dict.pop(NameObject("/JavaScript"), None)
    for page in writer.pages:
        page.pop(NameObject("/AA"), None)


def image_to_pdf(data: bytes, *, title: str) -> bytes:
    """A scanned image placed on an A4 page (turned to landscape for a wide scan), so that
    every copy is a PDF and carries the same watermark."""
    image = ImageReader(io.BytesIO(data))
    img_w, img_h = image.getSize()
    page_w, page_h = A4 if img_h >= img_w else (A4[1], A4[0])
    margin = 12 * mm
    scale = min((page_w - 2 * margin) / img_w, (page_h - 2 * margin) / img_h)
    draw_w, draw_h = img_w * scale, img_h * scale
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(page_w, page_h))
    sheet.setTitle(title)
    sheet.drawImage(image, (page_w - draw_w) / 2, (page_h - draw_h) / 2, draw_w, draw_h)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()
