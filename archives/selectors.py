"""Reads of the archives that are more than one line."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Branch, Staff
from accounts.pii import customer_match_q
from kernel.params import record_number

from .models import (
    AccessRequest,
    AccessState,
    ArchiveRecord,
    DestructionState,
    Medium,
    RecordStatus,
)


def live_grant(*, user: Staff, record: ArchiveRecord) -> AccessRequest | None:
    """The grant that lets this person open this record's files now, if any. A grant past
    its time is dead here even before the expiry job takes its permission away."""
    return (
        AccessRequest.objects.filter(
            requested_by=user,
            record=record,
            state=AccessState.GRANTED,
            expires_at__gt=timezone.now(),
        )
        .order_by("-expires_at")
        .first()
    )


def records_with_live_grant(*, user: Staff) -> set[int]:
    """The records this person holds a live grant on now: one query for a whole list, where
    `live_grant` asks record by record."""
    return set(
        AccessRequest.objects.filter(
            requested_by=user, state=AccessState.GRANTED, expires_at__gt=timezone.now()
        ).values_list("record_id", flat=True)
    )


def archive_record_search(
    *,
    branch: Branch,
    query: str = "",
    category: str = "",
    status: str = "",
    year: int | None = None,
    limit: int = 200,
) -> QuerySet[ArchiveRecord]:
    records = ArchiveRecord.objects.for_branch(branch).select_related("customer")
    query = query.strip()
    if query:
        match = (
            Q(number__icontains=query)
            | Q(title__icontains=query)
            | customer_match_q(query, prefix="customer__")
            | Q(customer__name__icontains=query)
        )
        if (number := record_number(query)) is not None:
            match |= Q(transfer_request_id=number)
        records = records.filter(match)
    if category:
        records = records.filter(category=category)
    if status:
        records = records.filter(status=status)
    if year:
        records = records.filter(year=year)
    return records.order_by("-filed_at", "-pk")[:limit]  # type: ignore[return-value]


@dataclass
class FilingReport:
    business_date: dt.date
    records: list[ArchiveRecord]
    by_outcome: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    by_medium: Counter[str] = field(default_factory=Counter)
    documents: int = 0
    unfiled: list[Any] = field(default_factory=list)  # endings of the day not filed (yet)
    awaiting_shelving: int = 0

    @property
    def outcome_rows(self) -> list[tuple[str, int]]:
        """(label, count) pairs for the page: a template cannot iterate a Counter's items
        (the lookup finds the key "items" first)."""
        from django.utils.translation import gettext as _

        from transfers.models import TransferState

        labels = {**dict(TransferState.choices), "manual": _("Filed by hand")}
        return [(str(labels.get(k, k)), n) for k, n in sorted(self.by_outcome.items())]


def filing_report(*, branch: Branch, business_date: dt.date) -> FilingReport:
    from kernel.calendar import CalendarUnknown, TradingCalendar

    from .services.filing import day_endings

    records = list(
        ArchiveRecord.objects.for_branch(branch)
        .filter(business_date=business_date)
        .exclude(status=RecordStatus.DRAFT)
        .select_related("customer", "transfer_request")
        .prefetch_related("documents")
        .order_by("number")
    )
    report = FilingReport(business_date=business_date, records=records)
    for record in records:
        report.by_outcome[record.outcome or "manual"] += 1
        report.by_category[record.category] += 1
        report.by_medium[record.medium] += 1
        report.documents += len(record.documents.all())
        if record.medium == Medium.PAPER and not record.location:
            report.awaiting_shelving += 1
    try:
        calendar = TradingCalendar()
        if calendar.is_trading_day(business_date):
            endings = list(
                day_endings(branch=branch, business_date=business_date, calendar=calendar)
            )
            filed = {r.ending_entry_id for r in records if r.ending_entry_id}
            filed |= set(
                ArchiveRecord.objects.filter(ending_entry__in=endings).values_list(
                    "ending_entry_id", flat=True
                )
            )
            report.unfiled = [e for e in endings if e.pk not in filed]
    except CalendarUnknown:
        pass
    return report


def destruction_candidates(*, branch: Branch, today: dt.date) -> QuerySet[ArchiveRecord]:
    """Records Art. 8: filed records whose retention date has passed and that no open
    destruction request already lists."""
    return (
        ArchiveRecord.objects.for_branch(branch)
        .filter(status=RecordStatus.FILED, retention_until__lt=today)
        .exclude(
            destruction_requests__state__in=[DestructionState.PENDING, DestructionState.APPROVED]
        )
        .select_related("customer")
        .order_by("retention_until", "number")
    )


def paper_by_location(records: list[Any]) -> list[tuple[str, list[Any]]]:
    """Inventory items (or records) grouped by cabinet and box, in shelf order."""
    groups: dict[str, list[Any]] = {}
    for item in records:
        where = " / ".join(p for p in (item.cabinet, item.box) if p)
        groups.setdefault(where, []).append(item)
    return sorted(groups.items(), key=lambda kv: (kv[0] == "", kv[0]))
