"""A small hostile scan cannot take the site down, and cannot act in a reader's PDF viewer:
page, pixel and size limits at upload (read from headers, nothing rendered); the reader's copy
made once, in a job, from pictures of the pages; views serve the stored file."""

import io
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from archives import services
from archives.models import AccessLogEntry, ArchiveDocument, CopyState, Medium, ReaderCopy
from archives.services import copies, disarm, watermark
from kernel.errors import ApplicationError
from notifications.models import Notification
from tests.builders import ask_access, granted, image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(arch):
    return services.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category="individual",
        medium=Medium.ELECTRONIC,
        title="扫描件",
    )


def send(arch, draft, name, data):
    return services.archive_document_upload(
        record=draft, actor=arch.archivist, kind="other", upload=upload(name, data)
    )


def filed_with(arch, draft, name, data):
    send(arch, draft, name, data)
    return services.archive_record_file(record=draft, actor=arch.archivist)


def blank_pages(count: int, size=(595, 842)) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(*size)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def one_bit_png(side: int) -> bytes:
    """A blank 1-bit image: tens of kilobytes on disk, hundreds of megapixels decoded."""
    out = io.BytesIO()
    Image.new("1", (side, side), 1).save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- Upload limits ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_pdf_of_twelve_thousand_blank_pages_is_refused_at_upload(arch, draft):
    bomb = blank_pages(12_000)
    assert len(bomb) < 2 * 1024 * 1024  # well within the byte limit: only the pages tell

    with pytest.raises(ApplicationError, match="12000 pages; a scan may have at most 200"):
        send(arch, draft, "scan.pdf", bomb)
    assert not ArchiveDocument.objects.exists()


def test_one_page_more_than_the_limit_is_refused_and_the_limit_is_accepted(arch, draft):
    with pytest.raises(ApplicationError) as refused:
        send(arch, draft, "scan.pdf", blank_pages(201))
    assert refused.value.code == "too_many_pages"
    assert not ArchiveDocument.objects.exists()

    send(arch, draft, "scan.pdf", blank_pages(200))
    assert ArchiveDocument.objects.count() == 1


@override_settings(ARCHIVES_MAX_PAGES=3)
def test_the_page_limit_is_a_setting(arch, draft):
    with pytest.raises(ApplicationError, match="at most 3"):
        send(arch, draft, "scan.pdf", blank_pages(4))


@pytest.mark.slow
def test_a_small_one_bit_png_of_13000_pixels_square_is_refused_before_decoding(arch, draft):
    bomb = one_bit_png(13_000)
    assert len(bomb) < 100 * 1024

    # Decoding the pixels would be the attack: the refusal must come from the header alone.
    with (
        mock.patch("PIL.ImageFile.ImageFile.load", side_effect=AssertionError("decoded")),
        pytest.raises(ApplicationError, match="larger than 40 megapixels") as refused,
    ):
        send(arch, draft, "scan.png", bomb)
    assert refused.value.code == "too_many_pixels"
    assert not ArchiveDocument.objects.exists()


def test_an_image_of_9000_pixels_square_is_refused(arch, draft):
    with pytest.raises(ApplicationError, match="megapixels"):
        send(arch, draft, "scan.png", one_bit_png(9_000))


@override_settings(ARCHIVES_MAX_MEGAPIXELS=1)
def test_the_pixel_limit_is_a_setting_and_a_jpeg_is_measured_too(arch, draft):
    with pytest.raises(ApplicationError, match="larger than 1 megapixels"):
        send(arch, draft, "scan.jpg", image_bytes("JPEG", size=(1200, 900)))
    send(arch, draft, "scan.jpg", image_bytes("JPEG", size=(1000, 900)))


def test_a_pdf_page_too_large_at_the_copys_resolution_is_refused(arch, draft):
    # 14400 pt square (the largest a PDF allows): 900 megapixels at 150 dpi.
    with pytest.raises(ApplicationError, match="Page 1 of this PDF is larger than"):
        send(arch, draft, "scan.pdf", blank_pages(1, size=(14_400, 14_400)))


def test_a_pdf_holding_a_huge_image_on_a_small_page_is_refused(arch, draft):
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    image = DecodedStreamObject()
    image.set_data(b"\0" * 64)  # what it declares is what counts; a bomb would be deflated
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(20_000),
            NameObject("/Height"): NumberObject(20_000),
            NameObject("/BitsPerComponent"): NumberObject(1),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)})}
    )
    out = io.BytesIO()
    writer.write(out)

    with pytest.raises(ApplicationError, match="or holds an image that is"):
        send(arch, draft, "scan.pdf", out.getvalue())


def test_the_upload_page_shows_the_refusal(client, arch, draft):
    from tests.archives.test_views import login

    response = login(client, arch.archivist).post(
        reverse("archives:record_upload", args=[draft.pk]),
        {"kind": "other", "file": upload("scan.pdf", blank_pages(201))},
    )
    assert response.status_code == 400
    assert "201 pages; a scan may have at most 200" in response.content.decode()
    assert not ArchiveDocument.objects.exists()


# --- Content disarm -----------------------------------------------------------------------


def _js(code: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(code),
        }
    )


def _rect(x: float) -> ArrayObject:
    return ArrayObject([FloatObject(x), FloatObject(700), FloatObject(x + 60), FloatObject(720)])


def active_content_pdf() -> bytes:
    """A scan carrying every kind of active content a reader's viewer could run."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes("visible scan text")))
    page = writer.pages[0]
    js_link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): _rect(72),
            NameObject("/A"): _js("app.alert('link');"),
        }
    )
    launch = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): _rect(150),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("cmd.exe"),
                    NameObject("/Win"): DictionaryObject(
                        {NameObject("/F"): TextStringObject("cmd.exe")}
                    ),
                }
            ),
        }
    )
    triggered = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Square"),
            NameObject("/Rect"): _rect(230),
            NameObject("/AA"): DictionaryObject({NameObject("/E"): _js("app.alert('enter');")}),
        }
    )
    field = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("amount"),
            NameObject("/Rect"): _rect(310),
            NameObject("/AA"): DictionaryObject({NameObject("/K"): _js("app.alert('key');")}),
        }
    )
    refs = [writer._add_object(a) for a in (js_link, launch, triggered, field)]
    page[NameObject("/Annots")] = ArrayObject(refs)
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([refs[3]])}
    )
    writer.add_open_action(JavaScript("app.alert('document');"))  # the names tree's scripts
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(_js("app.alert('open');"))
    writer.add_attachment("invoice.exe", b"MZ" + b"\0" * 64)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


FORBIDDEN = (
    "/JavaScript",
    "/JS",
    "/Launch",
    "/AA",
    "/OpenAction",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/AcroForm",
    "/A",
    "/URI",
    "/SubmitForm",
    "/RichMedia",
)


def active_keys(pdf: bytes) -> set[str]:
    """Every forbidden name found anywhere in the file, as a key or a value, object by
    object (parsed, so nothing hides in a compressed object stream)."""
    reader = PdfReader(io.BytesIO(pdf))
    found: set[str] = set()
    seen: set[int] = set()

    def walk(node, depth=0):
        if depth > 50:
            return
        if hasattr(node, "idnum"):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in FORBIDDEN:
                    found.add(key)
                walk(value, depth + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
        elif isinstance(node, str) and node in FORBIDDEN:
            found.add(str(node))

    walk(reader.trailer)
    for page in reader.pages:
        walk(page)
        if "/Annots" in page:
            found.add("/Annots")
    return found


def test_the_copy_a_reader_gets_has_no_active_content_and_still_shows_the_page(arch, draft):
    import pypdfium2 as pdfium

    hostile = active_content_pdf()
    assert {"/JavaScript", "/JS", "/Launch", "/AA", "/OpenAction", "/EmbeddedFiles"} <= (
        active_keys(hostile)
    )
    assert "/Annots" in active_keys(hostile) and "/AcroForm" in active_keys(hostile)
    record = filed_with(arch, draft, "scan.pdf", hostile)
    granted(arch, record, arch.lead)

    copy = services.document_open(document=record.documents.get(), actor=arch.lead).content

    assert active_keys(copy) == set()
    assert not PdfReader(io.BytesIO(copy)).attachments
    # It renders, and the scan is there: the page is dark where its text was drawn.
    rendered = pdfium.PdfDocument(copy)[0].render(scale=1).to_pil().convert("L")
    assert rendered.size == (596, 842)  # A4 in points, rounded up to whole pixels
    assert rendered.crop((70, 110, 200, 125)).getextrema()[0] < 100


def test_an_image_scan_is_re_encoded_so_whatever_follows_it_in_the_file_stays_behind(arch, draft):
    appended = image_bytes("PNG", size=(400, 300)) + b"%PDF-1.4 /JavaScript trailer smuggled"
    record = filed_with(arch, draft, "scan.png", appended)
    granted(arch, record, arch.lead)

    copy = services.document_open(document=record.documents.get(), actor=arch.lead).content

    assert b"smuggled" not in copy
    assert active_keys(copy) == set()


# --- Made once, served many times ---------------------------------------------------------


def test_views_serve_the_stored_copy_and_render_nothing(client, arch, draft):
    from tests.archives.test_views import login

    record = filed_with(arch, draft, "scan.pdf", pdf_bytes("page"))
    granted(arch, record, arch.lead)
    url = reverse("archives:document_file", args=[record.documents.get().pk])
    login(client, arch.lead)

    with (
        mock.patch.object(disarm, "pdf_rebuild", wraps=disarm.pdf_rebuild) as rebuild,
        mock.patch.object(watermark, "pdf_watermark", wraps=watermark.pdf_watermark) as mark,
    ):
        first = client.get(url)
        shown = b"".join(first.streaming_content)
        second = client.get(url, {"download": "1"})
        downloaded = b"".join(second.streaming_content)

    assert (first.status_code, second.status_code) == (200, 200)
    assert shown == downloaded and shown.startswith(b"%PDF-")
    assert (rebuild.call_count, mark.call_count) == (0, 0)
    assert AccessLogEntry.objects.filter(action__in=["view", "download"]).count() == 2


def test_each_grant_gets_its_own_watermark_from_one_rendering(arch, draft):
    record = filed_with(arch, draft, "scan.pdf", pdf_bytes("page"))
    with mock.patch.object(disarm, "pdf_rebuild", wraps=disarm.pdf_rebuild) as rebuild:
        first = granted(arch, record, arch.lead)
        second = granted(arch, record, arch.clerk)
    document = record.documents.get()

    lead_copy = services.document_open(document=document, actor=arch.lead).content
    clerk_copy = services.document_open(document=document, actor=arch.clerk).content

    assert rebuild.call_count == 1  # the pages were rendered once, for both grants
    lead_text = PdfReader(io.BytesIO(lead_copy)).pages[0].extract_text()
    clerk_text = PdfReader(io.BytesIO(clerk_copy)).pages[0].extract_text()
    assert arch.lead.username in lead_text and f"#{first.pk}" in lead_text
    assert arch.clerk.username in clerk_text and f"#{second.pk}" in clerk_text
    assert arch.lead.username not in clerk_text


def test_while_the_copy_is_made_the_page_says_so_and_then_serves_it(
    client, arch, draft, django_capture_on_commit_callbacks
):
    from tests.archives.test_views import login

    record = filed_with(arch, draft, "scan.pdf", pdf_bytes("page"))
    request = ask_access(arch, record, arch.lead)
    with django_capture_on_commit_callbacks(execute=False) as jobs:
        services.access_request_grant(access_request=request, actor=arch.archivist, days=2)
    url = reverse("archives:document_file", args=[record.documents.get().pk])

    waiting = login(client, arch.lead).get(url)

    assert waiting.status_code == 202
    assert waiting["Retry-After"]
    assert "being prepared" in waiting.content.decode()
    assert not AccessLogEntry.objects.filter(action="view").exists()  # nothing was shown

    for job in jobs:
        job()
    assert client.get(url).status_code == 200


def test_the_copy_job_is_bounded_too_for_a_file_filed_before_the_limits(arch, draft, settings):
    record = filed_with(arch, draft, "scan.pdf", blank_pages(5))
    settings.ARCHIVES_MAX_PAGES = 4
    granted(arch, record, arch.lead)

    with pytest.raises(ApplicationError, match="at most 4") as refused:
        services.document_open(document=record.documents.get(), actor=arch.lead)

    assert refused.value.code == "copy_failed"
    assert ReaderCopy.objects.filter(state=CopyState.FAILED).exists()
    assert Notification.objects.filter(recipient=arch.archivist).exists()


def test_a_copy_whose_job_kept_dying_is_given_up(arch, draft):
    record = filed_with(arch, draft, "scan.pdf", pdf_bytes("page"))
    copy = ReaderCopy.objects.get(grant=None)
    ReaderCopy.objects.filter(pk=copy.pk).update(attempts=copies.MAX_ATTEMPTS)

    with mock.patch.object(disarm, "pdf_rebuild") as rebuild:
        copies.reader_copy_make(copy_id=copy.pk)

    rebuild.assert_not_called()
    copy.refresh_from_db()
    assert copy.state == CopyState.FAILED and record.documents.exists()


def test_a_revoked_grant_takes_its_copies_with_it(arch, draft, django_capture_on_commit_callbacks):
    record = filed_with(arch, draft, "scan.pdf", pdf_bytes("page"))
    grant = granted(arch, record, arch.lead)
    names = [c.file.name for c in ReaderCopy.objects.filter(grant=grant)]
    assert names and all(default_storage.exists(n) for n in names)

    with django_capture_on_commit_callbacks(execute=True):
        services.access_grant_revoke(access_request=grant, actor=arch.archivist)

    assert not ReaderCopy.objects.filter(grant=grant).exists()
    assert not any(default_storage.exists(n) for n in names)
    assert ReaderCopy.objects.filter(grant=None, state=CopyState.READY).exists()


def test_a_destroyed_record_takes_every_copy_with_it(arch, django_capture_on_commit_callbacks):
    from tests.archives.test_destruction import LONG_AGO, request_for, witnesses
    from tests.builders import filed_record

    record = filed_record(arch, relationship_ended_on=LONG_AGO)
    granted(arch, record, arch.lead)
    names = [c.file.name for c in ReaderCopy.objects.all()]
    assert len(names) == 2  # the disarmed copy and the grant's

    request = request_for(arch, record)
    services.destruction_request_approve(destruction_request=request, actor=arch.head)
    with django_capture_on_commit_callbacks(execute=True):
        services.destruction_request_execute(
            destruction_request=request, actor=arch.archivist, witnesses=witnesses(arch)
        )

    assert not ReaderCopy.objects.exists()
    assert not any(default_storage.exists(n) for n in names)
