"""Scans are PDF, JPEG or PNG, recognised from their content, never from their name."""

import pytest
from django.test import override_settings

from archives import services
from archives.models import ArchiveDocument, Medium
from archives.services.storage import EXTENSIONS, sniff_content_type
from kernel.errors import ApplicationError
from tests.builders import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
LINUX_ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


@pytest.fixture
def draft(arch):
    return services.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category="individual",
        medium=Medium.ELECTRONIC,
        title="身份证明",
    )


def send(arch, draft, name, data):
    return services.archive_document_upload(
        record=draft, actor=arch.archivist, kind="identity_copy", upload=upload(name, data)
    )


@pytest.mark.parametrize("data", [WINDOWS_EXE, LINUX_ELF], ids=["windows", "linux"])
def test_a_renamed_executable_is_refused_with_a_clear_message(arch, draft, data):
    with pytest.raises(ApplicationError, match="is a program") as refused:
        send(arch, draft, "身份证.pdf", data)
    assert refused.value.code == "executable"
    assert not ArchiveDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("scan.pdf", pdf_bytes(), "application/pdf"),
        ("scan.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("scan.png", image_bytes("PNG"), "image/png"),
        # The name says PDF; the content is a PNG, and the content decides.
        ("scan.pdf", image_bytes("PNG"), "image/png"),
    ],
)
def test_real_pdf_jpeg_and_png_are_accepted_by_their_content(arch, draft, name, data, content_type):
    document = send(arch, draft, name, data)
    assert document.content_type == content_type
    assert document.size == len(data)
    assert document.file.name.endswith(EXTENSIONS[content_type])


def test_a_text_file_named_pdf_is_refused(arch, draft):
    with pytest.raises(ApplicationError, match="PDF, JPEG or PNG"):
        send(arch, draft, "scan.pdf", b"hello, this is not a scan")


def test_a_damaged_pdf_is_refused(arch, draft):
    with pytest.raises(ApplicationError, match="cannot be opened"):
        send(arch, draft, "scan.pdf", b"%PDF-1.4\n garbage that is no pdf")


@override_settings(ARCHIVES_MAX_UPLOAD_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(arch, draft):
    with pytest.raises(ApplicationError, match="limit"):
        send(arch, draft, "scan.png", image_bytes("PNG", size=(800, 800)) + b"\0" * 2048)


def test_sniffing_reads_only_the_first_bytes():
    assert sniff_content_type(b"%PDF-1.7") == "application/pdf"
    assert sniff_content_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_content_type(b"\x89PNG\r\n\x1a\n") == "image/png"


def test_a_counter_clerk_cannot_add_scans_to_a_records_draft_of_the_archivist(arch, draft):
    with pytest.raises(ApplicationError, match="archivist"):
        services.archive_document_upload(
            record=draft, actor=arch.clerk, kind="other", upload=upload("x.pdf", pdf_bytes())
        )
