"""The reader's copy (records Art. 6(3)): made once, in a bounded background job, never on a
view. Filing a record plans the disarmed copy of each file (disarm.py: pages as pictures);
granting access plans, for each file, that copy with the grant's watermark. A view serves
the stored file, or says the copy is being prepared. The copies go when the grant ends or
the record is destroyed (records Art. 8(2))."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.selectors import staff_with_roles
from kernel.calendar import BEIJING
from kernel.errors import ApplicationError
from notifications.services import notify

from .. import conf
from ..models import (
    AccessRequest,
    AccessState,
    ArchiveDocument,
    ArchiveRecord,
    CopyState,
    ReaderCopy,
    RecordStatus,
)
from . import disarm, storage, watermark

logger = logging.getLogger(__name__)

# A job killed by its hard time limit (or its worker) leaves its copy pending: a view asks
# again after this long, and after this many starts the copy is given up as failed.
MAX_ATTEMPTS = 3


def _enqueue(copy_ids: list[int]) -> None:
    """Each copy is its own job, sent once the transaction that planned it commits (at once,
    in-process, without Redis). A broker that cannot be reached must not undo a committed
    filing or grant: the copy stays pending and the first view asks again."""
    if not copy_ids:
        return

    def send() -> None:
        from ..tasks import reader_copy_make_task

        for copy_id in copy_ids:
            reader_copy_make_task.delay(copy_id)

    transaction.on_commit(send, robust=True)


def _plan(documents: Iterable[ArchiveDocument], grant: AccessRequest | None) -> list[int]:
    planned = []
    now = timezone.now()
    for document in documents:
        copy, _created = ReaderCopy.objects.get_or_create(
            document=document, grant=grant, defaults={"requested_at": now}
        )
        if copy.state == CopyState.PENDING:
            planned.append(copy.pk)
    return planned


def reader_copies_plan_for_record(*, record: ArchiveRecord) -> None:
    """At filing, inside its transaction: the disarmed copy of every file. The record is
    locked, so nobody else plans its copies meanwhile: the missing ones are written at once
    (the nightly filing files thousands of records)."""
    documents = list(record.documents.filter(destroyed_at__isnull=True).order_by("pk"))
    planned = {
        copy.document_id: copy
        for copy in ReaderCopy.objects.filter(document__in=documents, grant__isnull=True)
    }
    now = timezone.now()
    for copy in ReaderCopy.objects.bulk_create(
        [
            ReaderCopy(document=d, grant=None, requested_at=now)
            for d in documents
            if d.pk not in planned
        ]
    ):
        planned[copy.document_id] = copy
    _enqueue([planned[d.pk].pk for d in documents if planned[d.pk].state == CopyState.PENDING])


def reader_copies_plan_for_grant(*, grant: AccessRequest) -> None:
    """At a grant, inside its transaction: every file with that grant's watermark."""
    documents = grant.record.documents.filter(destroyed_at__isnull=True).order_by("pk")
    _enqueue(_plan(documents, grant))


def reader_copy_for(*, document: ArchiveDocument, grant: AccessRequest) -> ReaderCopy:
    """The copy a view serves; planned now if it never was (a grant given before copies were
    made this way), and asked for again if its job was lost."""
    try:
        copy, created = ReaderCopy.objects.get_or_create(
            document=document, grant=grant, defaults={"requested_at": timezone.now()}
        )
    except IntegrityError:  # planned by another view at this very moment
        copy, created = ReaderCopy.objects.get(document=document, grant=grant), False
    if created:
        _enqueue([copy.pk])
    elif copy.state == CopyState.PENDING and _lost(copy):
        ReaderCopy.objects.filter(pk=copy.pk).update(requested_at=timezone.now())
        _enqueue([copy.pk])
    return copy


def _lost(copy: ReaderCopy) -> bool:
    _soft, hard = conf.copy_time_limits()
    return copy.requested_at < timezone.now() - dt.timedelta(seconds=hard * 2)


def watermark_lines(*, grant: AccessRequest) -> list[str]:
    """Who holds the grant, when it was given and its number: a copy that leaks names them."""
    holder = grant.requested_by
    given = grant.decided_at or timezone.now()
    return [
        _("Viewed by {name} ({username})").format(name=holder, username=holder.username),
        _("{time} Beijing time").format(time=f"{given.astimezone(BEIJING):%Y-%m-%d %H:%M:%S}"),
        _("Access grant #{number}").format(number=grant.pk),
        _("Record {number}: for the stated purpose only, do not copy").format(number=grant.record),
    ]


class _Refused(Exception):
    def __init__(self, message: str, *, tell: str = "") -> None:
        super().__init__(message)
        self.message, self.tell = message, tell


def _disarmed(document: ArchiveDocument) -> bytes:
    try:
        data = storage.file_read(document.file.name)
    except (FileNotFoundError, OSError) as exc:
        raise _Refused(
            _("The file is missing from storage; the archivist has been told."), tell=_("missing")
        ) from exc
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise _Refused(
            _(
                "The stored file no longer matches the one filed, so it is not shown; the "
                "archivist has been told."
            ),
            tell=_("changed"),
        )
    title = str(document.record)
    if document.content_type == storage.PDF:
        return disarm.pdf_rebuild(data, title=title)
    return disarm.image_rebuild(data, title=title)


def _content(copy: ReaderCopy) -> bytes:
    if copy.grant is None:
        return _disarmed(copy.document)
    base, _created = ReaderCopy.objects.get_or_create(
        document=copy.document, grant=None, defaults={"requested_at": timezone.now()}
    )
    if base.state != CopyState.READY:
        # Filed before this job ran, or its own job not done yet: made here, once, for both.
        base = reader_copy_make(copy_id=base.pk) or base
    if base.state != CopyState.READY:
        raise _Refused(base.problem)
    disarmed = storage.file_read(base.file.name)
    return watermark.pdf_watermark(disarmed, lines=watermark_lines(grant=copy.grant))


def _still_wanted(copy: ReaderCopy) -> bool:
    record = copy.document.record
    if record.status != RecordStatus.FILED or copy.document.destroyed_at is not None:
        return False
    return copy.grant is None or copy.grant.state == AccessState.GRANTED


def reader_copy_make(*, copy_id: int) -> ReaderCopy | None:
    """The job's work: safe to run twice (a ready copy is left alone; of two runs at once
    one file is kept), and bounded (pages and pixels by the upload checks and again by the
    renderer, time by the task's limits, starts by MAX_ATTEMPTS)."""
    copy = (
        ReaderCopy.objects.select_related("document__record", "grant__requested_by")
        .filter(pk=copy_id)
        .first()
    )
    if copy is None or copy.state != CopyState.PENDING:
        return copy
    if not _still_wanted(copy):
        return copy
    if copy.attempts >= MAX_ATTEMPTS:
        return _fail(copy, _("Making the copy was stopped {n} times.").format(n=copy.attempts))
    ReaderCopy.objects.filter(pk=copy.pk).update(attempts=copy.attempts + 1)
    try:
        # A worker has no reader's language: the copy is in the branch's, whoever asked.
        with translation.override(settings.LANGUAGE_CODE):
            content = _content(copy)
    except _Refused as refused:
        return _fail(copy, refused.message, tell=refused.tell)
    except ApplicationError as exc:
        return _fail(copy, exc.message, tell=_("not readable"))
    except Exception:
        logger.exception("reader's copy %s could not be made", copy.pk)
        return _fail(
            copy,
            _("The file could not be prepared for reading; the archivist has been told."),
            tell=_("not readable"),
        )
    stored = storage.file_store(
        data=content, content_type=storage.PDF, folder=f"copies/{copy.document.record.branch_id}"
    )
    try:
        with transaction.atomic():
            locked = (
                ReaderCopy.objects.select_for_update(of=("self",))
                .select_related("document__record", "grant")
                .get(pk=copy.pk)
            )
            if locked.state != CopyState.PENDING or not _still_wanted(locked):
                transaction.on_commit(partial(storage.file_secure_delete, stored.name))
                return locked
            locked.state = CopyState.READY
            locked.file = stored.name
            locked.size = stored.size
            locked.pages = _page_count(content)
            locked.made_at = timezone.now()
            locked.problem = ""
            locked.save(update_fields=["state", "file", "size", "pages", "made_at", "problem"])
    except BaseException:
        storage.file_secure_delete(stored.name)
        raise
    return locked


def _page_count(content: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def _fail(copy: ReaderCopy, problem: str, *, tell: str = "") -> ReaderCopy:
    copy.state, copy.problem = CopyState.FAILED, problem[:300]
    ReaderCopy.objects.filter(pk=copy.pk, state=CopyState.PENDING).update(
        state=copy.state, problem=copy.problem
    )
    if tell:
        record = copy.document.record
        notify(
            recipients=staff_with_roles(record.branch_id, Role.ARCHIVIST, Role.GENERAL_MANAGER),
            subject=_("Archive file {problem}: {number}").format(problem=tell, number=record),
            body=_("{kind}, SHA-256 on file {sha}").format(
                kind=copy.document.get_kind_display(), sha=copy.document.sha256
            ),
            link=reverse("archives:record_detail", args=[record.pk]),
        )
    return copy


def reader_copies_discard(copies: Iterable[ReaderCopy]) -> list[str]:
    """Removes the rows (the caller is in a transaction) and returns the files to delete
    securely once nothing can roll back."""
    rows = list(copies)
    names = [c.file.name for c in rows if c.file]
    ReaderCopy.objects.filter(pk__in=[c.pk for c in rows]).delete()
    return names


def reader_copies_discard_for_grant(*, grant: AccessRequest) -> None:
    """A grant that ends takes its watermarked copies with it (records Art. 6(3))."""
    names = reader_copies_discard(ReaderCopy.objects.filter(grant=grant))
    transaction.on_commit(partial(_secure_delete_all, names))


def _secure_delete_all(names: list[str]) -> None:
    for name in names:
        storage.file_secure_delete(name)
