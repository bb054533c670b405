"""Content disarm for the reader's copy: every page of a scan is rendered to pixels and the
copy is a new PDF of those pictures, so nothing of the uploaded file's structure survives —
no action, link or annotation script, launch, form or its scripts, embedded file or
attachment. Stripping known keys from the original cannot promise that (there are always
more places to hide an action); a PDF that is only pictures can. PDFium renders without a
JavaScript engine and without forms here; the picture is taken as a viewer would show the
page (annotations' appearances included), then flattened."""

from __future__ import annotations

import io
import math

from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from kernel.errors import InvalidInput

from .. import conf
from ..errors import ArchiveErrorCode
from .storage import bounded_images

JPEG_QUALITY = 85


def _copy_refused(message: str) -> InvalidInput:
    return InvalidInput(message, code=ArchiveErrorCode.COPY_FAILED)


def _jpeg(image: Image.Image) -> ImageReader:
    """Grey stays grey (most scans), anything else becomes RGB; JPEG keeps a rendered page
    small enough that a 200-page copy is tens, not hundreds, of megabytes."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # What was transparent is paper: white, not the black a plain conversion gives.
        paper = Image.new("RGB", image.size, "white")
        paper.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = paper
    mode = "L" if image.mode in ("1", "L", "I", "I;16", "F") else "RGB"
    buffer = io.BytesIO()
    image.convert(mode).save(buffer, format="JPEG", quality=JPEG_QUALITY)
    buffer.seek(0)
    return ImageReader(buffer)


def pdf_rebuild(data: bytes, *, title: str) -> bytes:
    """The pages of a PDF as pictures on pages of the same size, at the copy's resolution
    and never more than the pixel limit a page (the upload checks both; this bounds a file
    filed before they existed too)."""
    import pypdfium2 as pdfium

    pages_limit = conf.max_pages()
    pixels_limit = conf.max_pixels()
    dpi_scale = conf.copy_dpi() / 72
    document = pdfium.PdfDocument(data)
    try:
        count = len(document)
        if count == 0:
            raise _copy_refused(_("The PDF has no pages."))
        if count > pages_limit:
            raise _copy_refused(
                _("The PDF has {count} pages; a copy is made of at most {limit}.").format(
                    count=count, limit=pages_limit
                )
            )
        out = io.BytesIO()
        sheet = canvas.Canvas(out, pageCompression=1)
        sheet.setTitle(title)
        for index in range(count):
            page = document[index]
            try:
                width, height = page.get_size()
                area = max(width * height, 1.0)
                scale = min(dpi_scale, math.sqrt(pixels_limit / area))
                bitmap = page.render(scale=scale, draw_annots=True, may_draw_forms=False)
                try:
                    picture = bitmap.to_pil()
                    # The page's own size, turned as the renderer turned a rotated page.
                    turned = (picture.width > picture.height) != (width > height)
                    page_w, page_h = (height, width) if turned else (width, height)
                    sheet.setPageSize((page_w, page_h))
                    sheet.drawImage(_jpeg(picture), 0, 0, page_w, page_h)
                    sheet.showPage()
                finally:
                    bitmap.close()
            finally:
                page.close()
        sheet.save()
        return out.getvalue()
    finally:
        document.close()


def image_rebuild(data: bytes, *, title: str) -> bytes:
    """A scanned image, decoded (within the pixel limit) and re-encoded, on an A4 page turned
    to landscape for a wide scan: its metadata and anything appended to it stay behind."""
    with bounded_images(), Image.open(io.BytesIO(data)) as opened:
        picture = ImageOps.exif_transpose(opened)
        picture.load()
    img_w, img_h = picture.size
    page_w, page_h = A4 if img_h >= img_w else (A4[1], A4[0])
    margin = 12 * mm
    scale = min((page_w - 2 * margin) / img_w, (page_h - 2 * margin) / img_h)
    draw_w, draw_h = img_w * scale, img_h * scale
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(page_w, page_h))
    sheet.setTitle(title)
    sheet.drawImage(_jpeg(picture), (page_w - draw_w) / 2, (page_h - draw_h) / 2, draw_w, draw_h)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()
