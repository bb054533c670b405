"""Destruction (records Art. 8): only records past their retention date, only with the
company head's approval, so that nothing can be recovered, and a record of it kept for good.
The index card stays, marked destroyed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Staff
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from kernel.calendar import beijing_today
from kernel.errors import Conflict, InvalidInput, NotFound, require_same_branch
from notifications.services import notify

from .. import conf, permissions
from ..errors import ArchiveErrorCode
from ..models import (
    PAPER_METHODS,
    AccessRequest,
    AccessState,
    ArchiveAction,
    ArchiveRecord,
    DestructionMethod,
    DestructionRecord,
    DestructionRequest,
    DestructionState,
    Medium,
    ReaderCopy,
    RecordStatus,
)
from . import copies, storage
from ._common import apply_transition, archivist_only, event, require
from .access import close_grant

OPEN_STATES = (DestructionState.PENDING, DestructionState.APPROVED)


def _require_past_retention(records: Iterable[ArchiveRecord], *, today: dt.date) -> None:
    problems = []
    for record in records:
        if record.status != RecordStatus.FILED:
            problems.append(
                _("{number} is {status}.").format(number=record, status=record.get_status_display())
            )
        elif record.retention_until is None:
            problems.append(
                _(
                    "{number} is kept until twenty years after the customer relationship ends, "
                    "and it has not ended."
                ).format(number=record)
            )
        elif record.retention_until >= today:
            problems.append(
                _("{number} is kept until {date}.").format(
                    number=record, date=record.retention_until.isoformat()
                )
            )
    if problems:
        raise InvalidInput(
            _(
                "Only records past their retention date can be destroyed (records Art. 8; "
                "customer records are kept at least twenty years): {problems}"
            ).format(problems=" ".join(problems)),
            code=ArchiveErrorCode.RETENTION_NOT_OVER,
        )


def _lock_records(ids: Iterable[int]) -> list[ArchiveRecord]:
    return list(
        ArchiveRecord.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(ids)))
        .select_related("customer")
        .order_by("pk")
    )


def _lock(destruction_request: DestructionRequest) -> DestructionRequest:
    return DestructionRequest.objects.select_for_update(of=("self",)).get(pk=destruction_request.pk)


@transaction.atomic
def destruction_request_create(
    *,
    actor: Staff,
    records: Iterable[ArchiveRecord],
    reason: str,
    paper_method: str = DestructionMethod.SHREDDING,
    client_ip: str | None = None,
) -> DestructionRequest:
    require(permissions.may_request_destruction(actor), archivist_only())
    ids = sorted({r.pk for r in records})
    if not ids:
        raise InvalidInput(_("Choose the records to destroy."))
    if not reason.strip():
        raise InvalidInput(_("Say why these records are destroyed."))
    if paper_method not in PAPER_METHODS:
        raise InvalidInput(_("Paper is destroyed by shredding or burning (records Art. 8(2))."))
    locked = _lock_records(ids)
    if len(locked) != len(ids) or any(r.branch_id != actor.branch_id for r in locked):
        raise NotFound(_("Not found."))
    _require_past_retention(locked, today=beijing_today())
    listed = (
        ArchiveRecord.objects.filter(pk__in=ids, destruction_requests__state__in=OPEN_STATES)
        .distinct()
        .order_by("number")
    )
    if listed.exists():
        raise Conflict(
            _("Already listed for destruction: {numbers}.").format(
                numbers=", ".join(str(r) for r in listed)
            ),
            code=ArchiveErrorCode.DUPLICATE,
        )
    request = DestructionRequest.objects.create(
        branch_id=actor.branch_pk,
        reason=reason.strip(),
        paper_method=paper_method,
        requested_by=actor,
    )
    request.records.set(locked)
    event(
        branch_id=actor.branch_pk,
        actor=actor,
        action=ArchiveAction.DESTRUCTION_REQUESTED,
        destruction_request=request,
        comment=", ".join(str(r) for r in locked),
        client_ip=client_ip,
    )
    notify(
        recipients=staff_with_roles(actor.branch_id, Role.COMPANY_HEAD),
        subject=_("Destruction of {n} archive record(s) awaits your approval").format(
            n=len(locked)
        ),
        body=request.reason,
        link=reverse("archives:destruction_detail", args=[request.pk]),
    )
    return request


@transaction.atomic
def destruction_request_approve(
    *,
    destruction_request: DestructionRequest,
    actor: Staff,
    note: str = "",
    client_ip: str | None = None,
) -> DestructionRequest:
    """Records Art. 8(1): the company head approves before anything is destroyed."""
    require_same_branch(destruction_request.branch_id, actor)
    request = _lock(destruction_request)
    require(
        permissions.may_approve_destruction(actor, request),
        _("Only the company head approves a destruction (records Art. 8(1))."),
    )
    _require_past_retention(
        _lock_records(request.records.values_list("pk", flat=True)), today=beijing_today()
    )
    decided = request.record_decision(actor, note)
    apply_transition(
        request,
        "approve",
        actor=actor,
        update_fields=decided,
        event_of={
            "branch_id": request.branch_id,
            "actor": actor,
            "action": ArchiveAction.DESTRUCTION_APPROVED,
            "destruction_request": request,
            "comment": request.decision_note,
            "client_ip": client_ip,
        },
    )
    notify(
        recipients=staff_with_roles(request.branch_id, Role.ARCHIVIST),
        subject=_("Destruction #{pk} approved").format(pk=request.pk),
        link=reverse("archives:destruction_detail", args=[request.pk]),
    )
    return request


@transaction.atomic
def destruction_request_reject(
    *,
    destruction_request: DestructionRequest,
    actor: Staff,
    note: str,
    client_ip: str | None = None,
) -> DestructionRequest:
    require_same_branch(destruction_request.branch_id, actor)
    if not note.strip():
        raise InvalidInput(_("Say why the destruction is rejected."))
    request = _lock(destruction_request)
    require(
        permissions.may_reject_destruction(actor, request),
        _("Only the company head decides on a destruction (records Art. 8(1))."),
    )
    decided = request.record_decision(actor, note)
    apply_transition(
        request,
        "reject",
        actor=actor,
        update_fields=decided,
        event_of={
            "branch_id": request.branch_id,
            "actor": actor,
            "action": ArchiveAction.DESTRUCTION_REJECTED,
            "destruction_request": request,
            "comment": request.decision_note,
            "client_ip": client_ip,
        },
    )
    notify(
        recipients=[request.requested_by],
        subject=_("Destruction #{pk} rejected").format(pk=request.pk),
        body=request.decision_note,
        link=reverse("archives:destruction_detail", args=[request.pk]),
    )
    return request


def _snapshot(record: ArchiveRecord) -> dict[str, object]:
    return {
        "number": record.number,
        "category": record.category,
        "medium": record.medium,
        "title": record.title,
        "customer": record.customer.masked_name,
        "fund_account": record.customer.fund_account,
        "location": record.location,
        "retention_until": record.retention_until.isoformat() if record.retention_until else None,
        "documents": [
            {"kind": d.kind, "sha256": d.sha256, "size": d.size}
            for d in record.documents.order_by("pk")
        ],
    }


@transaction.atomic
def destruction_request_execute(
    *,
    destruction_request: DestructionRequest,
    actor: Staff,
    witnesses: Iterable[Staff],
    note: str = "",
    client_ip: str | None = None,
) -> DestructionRecord:
    """Records Art. 8(2)-(3): paper shredded or burnt, files overwritten and deleted, in
    front of witnesses; the destruction record is written and kept for good."""
    require_same_branch(destruction_request.branch_id, actor)
    request = _lock(destruction_request)
    require(permissions.may_execute_destruction(actor, request), archivist_only())
    if request.state == DestructionState.PENDING:
        raise InvalidInput(
            _("The company head has not approved this destruction (records Art. 8(1))."),
            code=ArchiveErrorCode.NOT_APPROVED,
        )
    people = {w.pk: w for w in witnesses}
    people.pop(actor.pk, None)
    if any(w.branch_id != actor.branch_id or not w.is_active for w in people.values()):
        raise InvalidInput(_("Witnesses are active staff of this branch."))
    needed = conf.min_destruction_witnesses()
    if len(people) < needed:
        raise InvalidInput(
            _("At least {n} witnesses besides you must attend the destruction.").format(n=needed),
            code=ArchiveErrorCode.WITNESSES_NEEDED,
        )
    if request.decided_by is None or request.decided_at is None:
        raise InvalidInput(_("The approval is not on record."), code=ArchiveErrorCode.NOT_APPROVED)
    records = _lock_records(request.records.values_list("pk", flat=True))
    _require_past_retention(records, today=beijing_today())
    now = timezone.now()
    items = [_snapshot(record) for record in records]
    doomed: list[str] = []
    for record in records:
        for document in record.documents.filter(destroyed_at__isnull=True).order_by("pk"):
            doomed.append(document.file.name)
            document.destroyed_at = now
            document.save(update_fields=["destroyed_at"])
        # Art. 8(2): the readers' copies are the record's content too.
        doomed.extend(
            copies.reader_copies_discard(ReaderCopy.objects.filter(document__record=record))
        )
        for grant in (
            AccessRequest.objects.select_for_update(of=("self",))
            .filter(record=record, state=AccessState.GRANTED)
            .select_related("record", "requested_by")
            .order_by("pk")
        ):
            close_grant(grant, name="revoke", actor=actor, note=_("record destroyed"))
        record.destroyed_at = now
        record.destruction_method = (
            request.paper_method
            if record.medium == Medium.PAPER
            else DestructionMethod.SECURE_DELETION
        )
        record.destruction = request
        apply_transition(
            record,
            "destroy",
            actor=actor,
            update_fields=("destroyed_at", "destruction_method", "destruction"),
            event_of={
                "branch_id": record.branch_id,
                "actor": actor,
                "action": ArchiveAction.RECORD_DESTROYED,
                "record": record,
                "comment": f"{request} · {record.get_destruction_method_display()}",
                "client_ip": client_ip,
            },
        )
    apply_transition(
        request,
        "execute",
        actor=actor,
        event_of={
            "branch_id": request.branch_id,
            "actor": actor,
            "action": ArchiveAction.DESTRUCTION_EXECUTED,
            "destruction_request": request,
            "comment": ", ".join(str(r) for r in records),
            "client_ip": client_ip,
        },
    )
    kept = DestructionRecord.objects.create(
        destruction_request=request,
        branch_id=request.branch_id,
        executed_at=now,
        executed_by=actor,
        approved_by=request.decided_by,
        approved_at=request.decided_at,
        paper_method=request.paper_method,
        witness_names="、".join(str(w) for w in people.values())[:300],
        items=items,
        note=note.strip(),
    )
    kept.witnesses.set(list(people.values()))
    # Last, once every row is written: a file cannot be un-deleted if the transaction rolled
    # back. Should a deletion fail here, the rows roll back and the integrity check reports
    # whatever was already gone.
    for name in doomed:
        storage.file_secure_delete(name)
    return kept
