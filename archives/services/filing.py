"""Filing (records Art. 5; core Art. 15): drafts and their scans, the archive number, and the
nightly filing of every request that ended that trading day."""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch, Customer, Staff
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from kernel.calendar import BEIJING, TradingCalendar, beijing_now, beijing_today, close_of
from kernel.errors import InvalidInput, InvalidState, require_same_branch
from kernel.transactions import atomic_undoable
from notifications.services import notify
from transfers.models import (
    LEFT_STATES,
    AuditAction,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
)

from .. import conf, permissions
from ..errors import ArchiveErrorCode
from ..models import (
    SCAN_KINDS,
    ArchiveAction,
    ArchiveDocument,
    ArchiveRecord,
    Category,
    DocumentKind,
    Medium,
    RecordStatus,
)
from . import copies, storage
from ._common import apply_transition, archivist_only, event, require
from .numbering import archive_number_next, retention_until_for

if TYPE_CHECKING:
    from kernel import pdf

logger = logging.getLogger(__name__)

# The audit-trail actions that end a request, and the outcome each files under. A deferral
# is an ending too (Art. 30: the deferred customer's papers and memo are kept), recorded by
# its own audit entry; when the customer later resumes and finishes, that ending is filed
# again as a separate record, so each ending is filed exactly once.
ENDING_ACTIONS: dict[str, TransferState] = {
    AuditAction.COMPLETE: TransferState.COMPLETED,
    # A closure that waits (Art. 19): the transfer part's papers are filed when it is done,
    # and the closure, which ends the relationship, is filed on its own when it comes.
    AuditAction.COMPLETE_AWAITING_CLOSURE: TransferState.CLOSURE_PENDING,
    AuditAction.CLOSE_ACCOUNT: TransferState.COMPLETED,
    AuditAction.CUSTOMER_STAYS: TransferState.WITHDRAWN,
    AuditAction.REFUSE: TransferState.REFUSED,
    AuditAction.DEFER: TransferState.DEFERRED,
}


class _FilingClerk:
    """Stands in for a person on the papers the nightly filing prints: nobody pressed print."""

    pk = None
    username = "nightly-filing"

    @property
    def display_name(self) -> str:
        return _("Nightly filing (system)")

    def __str__(self) -> str:
        return self.display_name


def customers_relationship_ends(customer_ids: Iterable[int]) -> dict[int, dt.date]:
    """The day each customer's fund account was closed here, for those whose was."""
    closures = (
        TransferRequest.objects.filter(
            customer_id__in=list(customer_ids),
            state=TransferState.COMPLETED,
            wants_closure=True,
            ended_at__isnull=False,
        )
        .values("customer_id")
        .annotate(last=Max("ended_at"))
    )
    return {row["customer_id"]: row["last"].astimezone(BEIJING).date() for row in closures}


def _relationship_end(
    customer: Customer,
    stated: dt.date | None,
    *,
    known_ends: Mapping[int, dt.date] | None = None,
) -> dt.date | None:
    if known_ends is None:
        known_ends = customers_relationship_ends([customer.pk])
    known = known_ends.get(customer.pk)
    # Never shorten: the later of what the archivist states and what the system knows.
    candidates = [d for d in (stated, known) if d is not None]
    return max(candidates) if candidates else None


def _lock_record(record: ArchiveRecord) -> ArchiveRecord:
    return ArchiveRecord.objects.select_for_update(of=("self",)).get(pk=record.pk)


def _require_draft(record: ArchiveRecord) -> None:
    if record.status != RecordStatus.DRAFT:
        raise InvalidInput(
            _(
                "Record {number} is filed and read-only: nothing can be added, changed or "
                "removed (records Art. 6(3))."
            ).format(number=record),
            code=ArchiveErrorCode.READ_ONLY,
        )


def _folder(branch: Branch) -> str:
    today = beijing_today()
    return f"{branch.code}/{today:%Y/%m}"


@transaction.atomic
def archive_record_create(
    *,
    actor: Staff,
    customer: Customer,
    category: str,
    medium: str,
    title: str,
    cabinet: str = "",
    box: str = "",
    relationship_ended_on: dt.date | None = None,
    client_ip: str | None = None,
) -> ArchiveRecord:
    """A draft the archivist prepares by hand (an individual's or institution's file, account
    papers, older paper records): its scans are uploaded, then it is filed."""
    require_same_branch(customer.branch_id, actor)
    require(permissions.may_file(actor), archivist_only())
    if category not in Category.values or medium not in Medium.values:
        raise InvalidInput(_("Choose a category and a medium."))
    if not title.strip():
        raise InvalidInput(_("Give the record a title."))
    if relationship_ended_on is not None and relationship_ended_on > beijing_today():
        raise InvalidInput(_("The relationship cannot end in the future."))
    record = ArchiveRecord.objects.create(
        branch_id=customer.branch_id,
        customer=customer,
        category=category,
        medium=medium,
        title=title.strip()[:200],
        cabinet=cabinet.strip()[:40],
        box=box.strip()[:40],
        relationship_ended_on=relationship_ended_on,
        created_by=actor,
    )
    event(
        branch_id=record.branch_id,
        actor=actor,
        action=ArchiveAction.DRAFT_CREATED,
        record=record,
        client_ip=client_ip,
    )
    return record


def _add_document(
    record: ArchiveRecord,
    *,
    actor: Staff,
    kind: str,
    upload: File,  # type: ignore[type-arg]
    client_ip: str | None,
) -> ArchiveDocument:
    if kind not in SCAN_KINDS:
        raise InvalidInput(_("Choose what the scan is."))
    data, content_type = storage.read_upload(upload)
    with atomic_undoable():
        stored = storage.file_store(
            data=data, content_type=content_type, folder=_folder(record.branch)
        )
        locked = _lock_record(record)
        _require_draft(locked)
        document = ArchiveDocument.objects.create(
            record=locked,
            kind=kind,
            file=stored.name,
            original_name=(getattr(upload, "name", "") or "")[:255],
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=actor,
        )
        event(
            branch_id=locked.branch_id,
            actor=actor,
            action=ArchiveAction.SCAN_UPLOADED,
            record=locked,
            comment=f"{document.get_kind_display()} {stored.sha256}",
            client_ip=client_ip,
        )
    return document


def archive_document_upload(
    *,
    record: ArchiveRecord,
    actor: Staff,
    kind: str,
    upload: File,  # type: ignore[type-arg]
    client_ip: str | None = None,
) -> ArchiveDocument:
    """A scan (PDF, JPEG or PNG, recognised from its content) added to a draft record."""
    require_same_branch(record.branch_id, actor)
    require(
        permissions.may_add_scans_to(actor, record),
        _("Only counter staff and the archivist add scans to a request's papers.")
        if record.transfer_request_id is not None
        else archivist_only(),
    )
    _require_draft(record)
    return _add_document(record, actor=actor, kind=kind, upload=upload, client_ip=client_ip)


def archive_scan_upload(
    *,
    request: TransferRequest,
    actor: Staff,
    kind: str,
    upload: File,  # type: ignore[type-arg]
    client_ip: str | None = None,
) -> ArchiveDocument:
    """Art. 13: the copies the branch keeps of the identity and authorisation documents,
    scanned during the day; they wait in the request's draft and are filed with it after
    the close."""
    require_same_branch(request.branch_id, actor)
    require(
        permissions.may_add_scans(actor),
        _("Only counter staff and the archivist add scans to a request's papers."),
    )
    with transaction.atomic():
        # The request's row serialises two clerks creating its draft at once.
        req = TransferRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        record = ArchiveRecord.objects.filter(
            transfer_request=req, category=Category.TRANSACTION, status=RecordStatus.DRAFT
        ).first()
        if record is None:
            record = ArchiveRecord.objects.create(
                branch_id=req.branch_id,
                customer_id=req.customer_id,
                transfer_request=req,
                category=Category.TRANSACTION,
                medium=Medium.ELECTRONIC,
                title=_("Transfer request #{pk}").format(pk=req.pk),
                created_by=actor,
            )
    return _add_document(record, actor=actor, kind=kind, upload=upload, client_ip=client_ip)


@transaction.atomic
def archive_document_remove(
    *, document: ArchiveDocument, actor: Staff, client_ip: str | None = None
) -> None:
    """A scan uploaded by mistake leaves the draft; once filed, nothing leaves."""
    record = _lock_record(document.record)
    require_same_branch(record.branch_id, actor)
    _require_draft(record)
    require(
        permissions.may_remove_scan(actor, document),
        _("Only the person who uploaded a scan, or the archivist, removes it."),
    )
    name = document.file.name
    event(
        branch_id=record.branch_id,
        actor=actor,
        action=ArchiveAction.SCAN_REMOVED,
        record=record,
        comment=f"{document.get_kind_display()} {document.sha256}",
        client_ip=client_ip,
    )
    document.delete()
    transaction.on_commit(lambda: storage.file_discard([name]))


@transaction.atomic
def archive_record_shelve(
    *, record: ArchiveRecord, actor: Staff, cabinet: str, box: str, client_ip: str | None = None
) -> ArchiveRecord:
    """Records Art. 5(3): the paper goes into a cabinet and box, labelled. The place is
    written once; it is part of the record from then on."""
    require_same_branch(record.branch_id, actor)
    require(permissions.may_file(actor), archivist_only())
    record = _lock_record(record)
    if record.medium != Medium.PAPER:
        raise InvalidInput(_("Only paper records have a place."))
    if record.status == RecordStatus.DESTROYED:
        raise InvalidState(_("This record has been destroyed."))
    if record.cabinet or record.box:
        raise InvalidInput(
            _("Record {number} is already in {location}.").format(
                number=record, location=record.location
            ),
            code=ArchiveErrorCode.READ_ONLY,
        )
    if not cabinet.strip() or not box.strip():
        raise InvalidInput(_("Give both the cabinet and the box."))
    record.cabinet, record.box = cabinet.strip()[:40], box.strip()[:40]
    record.save(update_fields=["cabinet", "box"])
    event(
        branch_id=record.branch_id,
        actor=actor,
        action=ArchiveAction.SHELVED,
        record=record,
        comment=record.location,
        client_ip=client_ip,
    )
    return record


# What the filing writes besides the status; everything else of the record was saved before.
_FILING_FIELDS = (
    "relationship_ended_on",
    "retention_until",
    "business_date",
    "year",
    "sequence",
    "number",
    "filed_at",
    "filed_by",
)


def _number_and_file(
    record: ArchiveRecord,
    *,
    actor: Staff | None,
    business_date: dt.date,
    client_ip: str | None = None,
    known_ends: Mapping[int, dt.date] | None = None,
) -> ArchiveRecord:
    """The last step of every filing, inside its transaction: the number (the counter row is
    locked here, as late as possible), the retention date, and the record turns read-only
    through its transition, which writes the one "filed" event. No actor: the nightly
    filing, which files a request's papers after its own checks, and says which of its
    customers' accounts were closed (`known_ends`), read for a batch at once."""
    record.relationship_ended_on = _relationship_end(
        record.customer, record.relationship_ended_on, known_ends=known_ends
    )
    record.retention_until = retention_until_for(
        category=record.category, relationship_ended_on=record.relationship_ended_on
    )
    record.business_date = business_date
    record.year = business_date.year
    record.sequence, record.number = archive_number_next(
        branch=record.branch, category=record.category, year=business_date.year
    )
    record.filed_at = timezone.now()
    record.filed_by = actor
    apply_transition(
        record,
        "file",
        actor=actor,
        by_system=actor is None,
        update_fields=_FILING_FIELDS,
        event_of={
            "branch_id": record.branch_id,
            "actor": actor,
            "action": ArchiveAction.FILED,
            "record": record,
            "comment": record.number or "",
            "client_ip": client_ip,
        },
    )
    copies.reader_copies_plan_for_record(record=record)
    return record


@transaction.atomic
def archive_record_file(
    *,
    record: ArchiveRecord,
    actor: Staff,
    business_date: dt.date | None = None,
    client_ip: str | None = None,
) -> ArchiveRecord:
    """Records Art. 5(2)-(3): reviewed, numbered and stored. `business_date` is the day the
    papers belong to (yesterday's papers filed this morning are yesterday's); today by
    default. A request's papers are filed by the nightly filing instead, with the ending
    they belong to."""
    require_same_branch(record.branch_id, actor)
    require(permissions.may_file(actor), archivist_only())
    today = beijing_today()
    business_date = business_date or today
    if business_date > today:
        raise InvalidInput(_("Papers cannot be filed for a future day."))
    record = _lock_record(record)
    _require_draft(record)
    if record.transfer_request_id is not None:
        raise InvalidInput(
            _("A request's papers are filed by the nightly filing after the close (Art. 15)."),
        )
    if record.medium == Medium.PAPER and not (record.cabinet and record.box):
        raise InvalidInput(
            _("Say which cabinet and box the paper goes into before filing it."),
            code=ArchiveErrorCode.LOCATION_NEEDED,
        )
    if record.medium == Medium.ELECTRONIC and not record.documents.exists():
        raise InvalidInput(
            _("An electronic record needs at least one file."),
            code=ArchiveErrorCode.DOCUMENTS_NEEDED,
        )
    return _number_and_file(record, actor=actor, business_date=business_date, client_ip=client_ip)


@transaction.atomic
def archive_record_discard(
    *, record: ArchiveRecord, actor: Staff, client_ip: str | None = None
) -> None:
    """A draft started by mistake. Its scans go with it; a filed record never goes."""
    require_same_branch(record.branch_id, actor)
    require(permissions.may_file(actor), archivist_only())
    record = _lock_record(record)
    _require_draft(record)
    names = [d.file.name for d in record.documents.all()]
    record.documents.all().delete()
    event(
        branch_id=record.branch_id,
        actor=actor,
        action=ArchiveAction.DRAFT_DISCARDED,
        comment=f"{record.title} ({record.customer})",
        client_ip=client_ip,
    )
    record.delete()
    transaction.on_commit(lambda: storage.file_discard(names))


def _hands_over_papers(action: str, outcome: str) -> bool:
    """The ending at which the counter handed over and kept the papers (receipt, originals,
    memo): the transfer part's completion. A waiting closure's later close adds none."""
    return outcome in LEFT_STATES and action != AuditAction.CLOSE_ACCOUNT


def _papers(req: TransferRequest, outcome: str, action: str) -> list[tuple[str, pdf.Paper]]:
    """What is printed for one ending, as plain data read here, to be drawn anywhere."""
    from transfers.pdf import business_form_paper, receipt_paper

    clerk = cast(Staff, _FilingClerk())
    papers = [(DocumentKind.BUSINESS_FORM.value, business_form_paper(req, printed_by=clerk))]
    hands_over = _hands_over_papers(action, outcome)
    if hands_over and req.receipt_number:
        papers.append((DocumentKind.RECEIPT.value, receipt_paper(req, printed_by=clerk)))
    memo = _memo_paper(req) if hands_over or outcome == TransferState.DEFERRED else None
    if memo is not None:
        papers.append((DocumentKind.MEMO.value, memo))
    return papers


def _memo_paper(req: TransferRequest) -> pdf.Paper | None:
    """Art. 30: the work memo of a customer who left or deferred, once the retention app has
    written one for this request."""
    from retention.pdf import memo_paper

    try:
        memo = req.work_memo  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None
    return memo_paper(memo)


def _close_relationship(customer: Customer, ended_on: dt.date) -> int:
    """Once the fund account is closed, the customer's earlier records learn how long they
    are kept. Only records still without a date: a retention date is never shortened."""
    updated = 0
    for category in Category.values:
        updated += ArchiveRecord.objects.filter(
            customer=customer,
            category=category,
            status=RecordStatus.FILED,
            retention_until__isnull=True,
        ).update(
            relationship_ended_on=ended_on,
            retention_until=retention_until_for(category=category, relationship_ended_on=ended_on),
        )
    return updated


class _AlreadyFiled(Exception):
    pass


def _file_ending(
    entry: TransferAuditEntry,
    *,
    req: TransferRequest,
    files: list[tuple[str, bytes]],
    business_date: dt.date,
    known_ends: Mapping[int, dt.date] | None = None,
) -> ArchiveRecord | None:
    """Files one ending of one request with its papers' files; None when it was filed
    already. Nothing of it is written unless all of it is."""
    outcome = ENDING_ACTIONS[entry.action]
    # The PDFs are made and stored before any row is locked, so the number counter is locked
    # only for the few inserts that follow; a rollback, here or of the job around it, removes
    # them again (kernel.transactions).
    try:
        with atomic_undoable():
            stored = [
                (
                    kind,
                    storage.file_store(
                        data=data, content_type=storage.PDF, folder=_folder(req.branch)
                    ),
                )
                for kind, data in files
            ]
            TransferRequest.objects.select_for_update(of=("self",)).get(pk=req.pk)
            # Under the request's lock: this ending's record, if an earlier run filed it, and
            # the draft its scans wait in, in one reading.
            records = list(
                ArchiveRecord.objects.select_for_update(of=("self",))
                .filter(transfer_request=req, category=Category.TRANSACTION)
                .filter(Q(ending_entry=entry) | Q(status=RecordStatus.DRAFT))
                .order_by("pk")
            )
            if any(r.ending_entry_id == entry.pk for r in records):
                raise _AlreadyFiled
            record = next((r for r in records if r.status == RecordStatus.DRAFT), None)
            if record is None:
                record = ArchiveRecord(transfer_request=req, category=Category.TRANSACTION)
            # The request's own customer and branch, read with it: numbering and the
            # retention date ask for both.
            record.branch, record.customer = req.branch, req.customer
            ended_on = entry.at.astimezone(BEIJING).date()
            # The originals the clerk kept (Art. 13) make it a paper record; the rest exist
            # only as the generated PDFs and uploaded scans.
            record.medium = (
                Medium.PAPER
                if _hands_over_papers(entry.action, outcome) and req.retained_documents
                else Medium.ELECTRONIC
            )
            record.title = _("Transfer request #{pk}: {outcome}").format(
                pk=req.pk, outcome=TransferState(outcome).label
            )
            record.outcome = outcome
            record.ending_entry = entry
            if outcome == TransferState.COMPLETED and req.wants_closure:
                record.relationship_ended_on = ended_on
            record.save()
            for kind, file in stored:
                ArchiveDocument.objects.create(
                    record=record,
                    kind=kind,
                    file=file.name,
                    original_name=f"{kind}-{req.pk}.pdf",
                    content_type=file.content_type,
                    size=file.size,
                    sha256=file.sha256,
                    generated=True,
                )
            _number_and_file(record, actor=None, business_date=business_date, known_ends=known_ends)
            if record.relationship_ended_on is not None:
                _close_relationship(req.customer, record.relationship_ended_on)
    except (_AlreadyFiled, IntegrityError):
        # Filed by an earlier run, or by another run at this very moment.
        return None
    return record


def day_endings(*, branch: Branch, business_date: dt.date, calendar: TradingCalendar) -> Any:
    """The audit entries that ended a request on this trading day: from the previous trading
    day's close to this day's (business after 15:00 belongs to the next trading day)."""
    start = close_of(calendar.previous_trading_day(business_date))
    end = close_of(business_date)
    return (
        TransferAuditEntry.objects.filter(
            request__branch=branch, action__in=list(ENDING_ACTIONS), at__gte=start, at__lt=end
        )
        .select_related("request", "request__customer")
        .order_by("at", "pk")
    )


# What the filing reads of a request to print its papers, for a batch of requests at once.
_PAPERS_RELATED = (
    "customer",
    "branch",
    "created_by",
    "completed_by",
    "primary_reason",
    "appointment__host",
    # Art. 30: the work memo, where the retention app wrote one, with what it prints.
    "work_memo__branch",
    "work_memo__customer",
    "work_memo__account_manager",
)
_PAPERS_PREFETCHED = (
    "approvals__approver",
    "approvals__on_behalf_of",
    "other_reasons",
)
# Endings whose requests are read, and whose papers are printed, together.
_BATCH = 50


@dataclass
class _Drawing:
    """One ending whose papers are being drawn: their kinds, in order, and the files to be."""

    entry: TransferAuditEntry
    req: TransferRequest
    kinds: list[str]
    files: Future[list[bytes]]
    known_ends: Mapping[int, dt.date]


def _requests_of(entries: list[TransferAuditEntry]) -> dict[int, TransferRequest]:
    return (
        TransferRequest.objects.select_related(*_PAPERS_RELATED)
        .prefetch_related(*_PAPERS_PREFETCHED)
        .in_bulk([e.request_id for e in entries])
    )


def archive_file_day(
    *,
    branch: Branch,
    business_date: dt.date,
    progress: Callable[[int, int | None], None] | None = None,
) -> dict[str, int]:
    """Art. 15: after the close, every request that ended that trading day is filed with its
    papers. Runs again safely for any date: what is filed stays filed, once. The papers are
    read here and drawn by the paper press (press.py), in other processes when it has
    several; each ending is then filed here, in order, on its own."""
    from kernel import pdf

    from . import press

    calendar = TradingCalendar()
    if beijing_now() < close_of(business_date):
        raise InvalidInput(
            _("The papers of {date} are filed after the close (Art. 15).").format(
                date=business_date.isoformat()
            ),
            code=ArchiveErrorCode.BEFORE_CLOSE,
        )
    counts = {"ended": 0, "filed": 0, "already_filed": 0, "failed": 0}
    if not calendar.is_trading_day(business_date):
        return counts
    entries = list(day_endings(branch=branch, business_date=business_date, calendar=calendar))
    filed_before = set(
        ArchiveRecord.objects.filter(ending_entry__in=entries).values_list(
            "ending_entry_id", flat=True
        )
    )
    to_file = [entry for entry in entries if entry.pk not in filed_before]
    counts["ended"], counts["already_filed"] = len(entries), len(filed_before)
    failures: list[int] = []

    def failed(entry: TransferAuditEntry) -> None:
        # One request's papers must not hold back the rest of the day; a re-run files it
        # once the cause is fixed.
        logger.exception("filing request %s (entry %s) failed", entry.request_id, entry.pk)
        counts["failed"] += 1
        failures.append(entry.request_id)

    def file(drawing: _Drawing) -> None:
        try:
            record = _file_ending(
                drawing.entry,
                req=drawing.req,
                files=list(zip(drawing.kinds, drawing.files.result(), strict=True)),
                business_date=business_date,
                known_ends=drawing.known_ends,
            )
        except Exception:
            failed(drawing.entry)
            return
        counts["filed" if record is not None else "already_filed"] += 1

    # The parent reads the next batch while the workers draw the last one; no more than two
    # batches' files are held at once, whatever the day's volume.
    drawing: deque[_Drawing] = deque()
    with press.paper_press(workers=conf.filing_workers(), papers=len(to_file)) as drawer:
        for start in range(0, len(to_file), _BATCH):
            batch = to_file[start : start + _BATCH]
            requests = _requests_of(batch)
            known_ends = customers_relationship_ends(r.customer_id for r in requests.values())
            for entry in batch:
                req = requests[entry.request_id]
                try:
                    papers = _papers(req, ENDING_ACTIONS[entry.action], entry.action)
                except Exception:
                    failed(entry)
                    continue
                files = drawer.submit(pdf.papers_render, [paper for _kind, paper in papers])
                kinds = [kind for kind, _paper in papers]
                drawing.append(_Drawing(entry, req, kinds, files, known_ends))
            while len(drawing) > _BATCH:
                file(drawing.popleft())
            if progress:
                done = counts["filed"] + counts["already_filed"] + counts["failed"]
                progress(done, len(entries))
        while drawing:
            file(drawing.popleft())
    if progress:
        progress(len(entries), len(entries))
    if failures:
        _report_failures(branch=branch, business_date=business_date, request_ids=failures)
    return counts


def _report_failures(*, branch: Branch, business_date: dt.date, request_ids: list[int]) -> None:
    notify(
        recipients=staff_with_roles(branch, Role.ARCHIVIST),
        subject=_("Filing of {date}: {n} request(s) could not be filed").format(
            date=business_date.isoformat(), n=len(request_ids)
        ),
        body=_(
            "Requests: {ids}. Run the filing for this date again once the cause is fixed."
        ).format(ids=", ".join(f"#{pk}" for pk in request_ids)),
        link=reverse("archives:filing_day", args=[business_date.isoformat()]),
    )
