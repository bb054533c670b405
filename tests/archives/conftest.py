"""An archives branch: the counter people of the transfer suites plus an archivist, a second
archivist (nobody grants themselves access) and the company head; small real files; helpers
that drive the filing through the real services."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation
from PIL import Image
from reportlab.pdfgen import canvas

from accounts.models import Customer, Staff
from accounts.roles import Role
from archives import services
from archives.models import AccessRequest, ArchiveRecord, Category, ConsentMethod, Medium
from tests.accounts.factories import StaffFactory
from tests.transfers.conftest import BranchPeople, make_branch

BEIJING = ZoneInfo("Asia/Shanghai")
# The frozen "today" of the suite is Wednesday 2026-11-25; its close is at 15:00.
TODAY = dt.date(2026, 11, 25)
AFTER_CLOSE = dt.datetime(2026, 11, 25, 17, 30, tzinfo=BEIJING)


@dataclass
class ArchivesBranch:
    people: BranchPeople
    archivist: Staff
    archivist2: Staff
    head: Staff

    def __getattr__(self, name: str):  # clerk, lead, gm, … and customer()
        return getattr(self.people, name)


def make_archives_branch(code: str = "SH01") -> ArchivesBranch:
    people = make_branch(code)
    return ArchivesBranch(
        people=people,
        archivist=StaffFactory(branch=people.branch, roles=[Role.ARCHIVIST]),
        archivist2=StaffFactory(branch=people.branch, roles=[Role.ARCHIVIST]),
        head=StaffFactory(branch=people.branch, roles=[Role.COMPANY_HEAD]),
    )


@pytest.fixture(autouse=True)
def english():
    """Messages and pages in English, whatever catalogue is compiled (the branch's own
    language is Chinese; one test checks the Chinese watermark)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    """A browser whose user chose English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def arch(db) -> ArchivesBranch:
    return make_archives_branch()


@pytest.fixture
def other(db) -> ArchivesBranch:
    return make_archives_branch("BJ02")


def pdf_bytes(text: str = "scan") -> bytes:
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    sheet.drawString(72, 720, text)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 220, 240)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def filed_record(
    arch: ArchivesBranch,
    customer: Customer | None = None,
    *,
    medium: str = Medium.ELECTRONIC,
    relationship_ended_on: dt.date | None = None,
    files: int = 1,
    cabinet: str = "A",
    box: str = "1",
) -> ArchiveRecord:
    """A record the archivist files by hand, with `files` PDF scans."""
    customer = customer or arch.customer("ordinary")
    record = services.archive_record_create(
        actor=arch.archivist,
        customer=customer,
        category=Category.INDIVIDUAL,
        medium=medium,
        title="个人客户档案",
        cabinet=cabinet if medium == Medium.PAPER else "",
        box=box if medium == Medium.PAPER else "",
        relationship_ended_on=relationship_ended_on,
    )
    for n in range(files):
        services.archive_document_upload(
            record=record,
            actor=arch.archivist,
            kind="identity_copy",
            upload=upload(f"scan{n}.pdf", pdf_bytes(f"identity {n}")),
        )
    return services.archive_record_file(record=record, actor=arch.archivist)


def ask_access(arch: ArchivesBranch, record: ArchiveRecord, who: Staff) -> AccessRequest:
    return services.access_request_create(
        record=record,
        actor=who,
        purpose="核对客户转托管资料",
        consent_by=record.customer.name,
        consent_relation="customer",
        consent_method=ConsentMethod.WRITTEN,
        consent_at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=BEIJING),
    )


def granted(
    arch: ArchivesBranch, record: ArchiveRecord, who: Staff, days: int = 3
) -> AccessRequest:
    return services.access_request_grant(
        access_request=ask_access(arch, record, who), actor=arch.archivist, days=days
    )


def pytest_collection_modifyitems(config, items):
    # As in the transfer suites: skipped at collection, before a transactional fixture could
    # flush the shared SQLite test database.
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: SQLite locks the whole database, so row locks under "
        "concurrent threads cannot be exercised (run with DATABASE_URL=postgres://…)"
    )
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)
