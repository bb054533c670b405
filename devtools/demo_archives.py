"""Demo archives for `manage.py archives_seed_demo` (run after seed_demo): a few records filed
by hand on the last trading day, among them an old closed customer's paper record whose
twenty years are over, so the whole path — filing report, consented access, watermarked
download, approved destruction — can be walked at once. Safe to run again."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.platypus import Paragraph

from accounts.models import Branch, Customer, Staff
from accounts.roles import Role
from archives.models import ArchiveRecord, Category, DocumentKind, Medium
from archives.services import (
    archive_document_upload,
    archive_file_day,
    archive_record_create,
    archive_record_file,
)
from kernel import pdf
from kernel.calendar import CalendarUnknown, TradingCalendar, beijing_now, close_of

DEMO_MARK = "【演示】"


def _sample_scan(title: str, lines: list[str]) -> SimpleUploadedFile:
    styles = pdf.styles()
    data = pdf.render(
        [Paragraph(title, styles["title"]), pdf.spacer()]
        + [Paragraph(line, styles["body"]) for line in lines],
        title=title,
    )
    return SimpleUploadedFile(f"{title}.pdf", data, content_type="application/pdf")


def _closed_days(calendar: TradingCalendar, days: int) -> list[dt.date]:
    """The last `days` trading days whose close has passed, oldest first."""
    now = beijing_now()
    day = now.date()
    if not (calendar.is_trading_day(day) and now >= close_of(day)):
        day = calendar.previous_trading_day(day)
    found = [day]
    while len(found) < days:
        found.append(calendar.previous_trading_day(found[-1]))
    return sorted(found)


def archives_seed_demo(*, branch: Branch) -> dict[str, int]:
    archivist = (
        Staff.objects.filter(branch=branch, groups__name=Role.ARCHIVIST, is_active=True)
        .order_by("pk")
        .first()
    )
    if archivist is None:
        return {"records": 0}
    counts = {"records": 0, "filed_by_night": 0}
    try:
        calendar = TradingCalendar()
        days = _closed_days(calendar, 5)
    except CalendarUnknown:
        return counts
    # What the nightly filing would have done for the demo requests on the recent days.
    for day in days:
        counts["filed_by_night"] += archive_file_day(branch=branch, business_date=day)["filed"]
    if ArchiveRecord.objects.filter(branch=branch, title__startswith=DEMO_MARK).exists():
        return counts
    customers = list(Customer.objects.filter(branch=branch).order_by("pk")[:3])
    if len(customers) < 3:
        return counts
    yesterday = days[-1]
    plans = [
        # An old customer's paper file: the relationship ended in 2004, kept until 2024.
        (
            customers[0],
            Category.INDIVIDUAL,
            Medium.PAPER,
            "个人客户档案（2004 年销户）",
            dt.date(2004, 12, 31),
            ("A-01", "2004-01"),
        ),
        (
            customers[1],
            Category.ACCOUNT,
            Medium.ELECTRONIC,
            "开户资料扫描件",
            None,
            ("", ""),
        ),
        (
            customers[2],
            Category.INDIVIDUAL,
            Medium.PAPER,
            "个人客户档案",
            None,
            ("A-02", "2026-11"),
        ),
    ]
    for customer, category, medium, title, ended, (cabinet, box) in plans:
        record = archive_record_create(
            actor=archivist,
            customer=customer,
            category=category,
            medium=medium,
            title=f"{DEMO_MARK}{title}",
            cabinet=cabinet,
            box=box,
            relationship_ended_on=ended,
        )
        archive_document_upload(
            record=record,
            actor=archivist,
            kind=DocumentKind.IDENTITY_COPY,
            upload=_sample_scan(
                "身份证复印件（演示）",
                [f"客户：{customer.masked_name}", f"资金账户：{customer.fund_account}"],
            ),
        )
        archive_record_file(record=record, actor=archivist, business_date=yesterday)
        counts["records"] += 1
    return counts


__all__ = ["archives_seed_demo"]
