"""Access to a record's files (records Art. 6): asked for with a purpose and the customer's
consent, granted by the archivist for a limited time as an object permission on the record
(django-guardian), and every view and download registered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import Branch, Staff
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from kernel.calendar import BEIJING
from kernel.errors import Conflict, Forbidden, InvalidInput, InvalidState, require_same_branch
from notifications.services import notify

from .. import conf, permissions
from ..errors import ArchiveErrorCode
from ..models import (
    AccessAction,
    AccessLogEntry,
    AccessRequest,
    AccessState,
    ArchiveAction,
    ArchiveDocument,
    ArchiveRecord,
    ConsentMethod,
    ConsentRelation,
    CopyState,
    RecordStatus,
)
from ..selectors import live_grant
from . import copies, storage
from ._common import apply_transition, event, require

FILE_PERMISSION = f"archives.{permissions.FILE_CODENAME}"


def _lock(access_request: AccessRequest) -> AccessRequest:
    return (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("record", "requested_by")
        .get(pk=access_request.pk)
    )


@transaction.atomic
def access_request_create(
    *,
    record: ArchiveRecord,
    actor: Staff,
    purpose: str,
    consent_by: str,
    consent_relation: str,
    consent_method: str,
    consent_at: dt.datetime,
    consent_reference: str = "",
    client_ip: str | None = None,
) -> AccessRequest:
    """Records Art. 6(1): only with the consent of the customer or a person they authorised."""
    require_same_branch(record.branch_id, actor)
    if record.status == RecordStatus.DRAFT:
        raise InvalidState(_("This record is not filed yet."))
    if record.status == RecordStatus.DESTROYED:
        raise InvalidInput(
            _("Record {number} has been destroyed: there are no files to open.").format(
                number=record
            ),
            code=ArchiveErrorCode.DESTROYED,
        )
    errors = []
    if not purpose.strip():
        errors.append(_("State the purpose."))
    if not consent_by.strip():
        errors.append(_("Say who gave consent."))
    if consent_relation not in ConsentRelation.values:
        errors.append(_("Say whether the customer or an authorised person consented."))
    if consent_method not in ConsentMethod.values:
        errors.append(_("Say how consent was given."))
    if consent_at > timezone.now():
        errors.append(_("Consent cannot be given in the future."))
    if errors:
        raise InvalidInput(" ".join(errors))
    current = live_grant(user=actor, record=record)
    if current is not None:
        raise Conflict(
            _("You can already open this record's files until {until}.").format(
                until=f"{current.expires_at.astimezone(BEIJING):%Y-%m-%d %H:%M}"
                if current.expires_at
                else ""
            ),
            code=ArchiveErrorCode.DUPLICATE,
        )
    if AccessRequest.objects.filter(
        record=record, requested_by=actor, state=AccessState.PENDING
    ).exists():
        raise Conflict(
            _("You have already asked for access to this record; the archivist will decide."),
            code=ArchiveErrorCode.DUPLICATE,
        )
    access_request = AccessRequest.objects.create(
        branch_id=record.branch_id,
        record=record,
        requested_by=actor,
        purpose=purpose.strip(),
        consent_by=consent_by.strip()[:100],
        consent_relation=consent_relation,
        consent_method=consent_method,
        consent_at=consent_at,
        consent_reference=consent_reference.strip()[:200],
    )
    event(
        branch_id=record.branch_id,
        actor=actor,
        action=ArchiveAction.ACCESS_REQUESTED,
        record=record,
        access_request=access_request,
        comment=access_request.purpose,
        client_ip=client_ip,
    )
    notify(
        recipients=staff_with_roles(record.branch_id, Role.ARCHIVIST),
        subject=_("Access requested to {number}").format(number=record),
        body=_("{who}: {purpose}").format(who=actor, purpose=access_request.purpose),
        link=reverse("archives:grants"),
    )
    return access_request


@transaction.atomic
def access_request_grant(
    *,
    access_request: AccessRequest,
    actor: Staff,
    days: int,
    note: str = "",
    client_ip: str | None = None,
) -> AccessRequest:
    require_same_branch(access_request.branch_id, actor)
    req = _lock(access_request)
    require(
        permissions.may_grant_access(actor, req),
        _("Nobody grants access to themselves: another archivist decides.")
        if req.requested_by_id == actor.pk
        else _("Your role does not allow this step."),
    )
    limit = conf.max_grant_days()
    if not 1 <= days <= limit:
        raise InvalidInput(_("Access is granted for 1 to {limit} days.").format(limit=limit))
    if req.record.status != RecordStatus.FILED:
        raise InvalidInput(_("Only a filed record's files can be opened."))
    now = timezone.now()
    decided = req.record_decision(actor, note, at=now)
    req.expires_at = now + dt.timedelta(days=days)
    apply_transition(
        req,
        "grant",
        actor=actor,
        update_fields=(*decided, "expires_at"),
        event_of={
            "branch_id": req.branch_id,
            "actor": actor,
            "action": ArchiveAction.ACCESS_GRANTED,
            "record": req.record,
            "access_request": req,
            "comment": _("until {until}").format(
                until=f"{req.expires_at.astimezone(BEIJING):%Y-%m-%d %H:%M}"
            ),
            "client_ip": client_ip,
        },
    )
    assign_perm(FILE_PERMISSION, req.requested_by, req.record)
    copies.reader_copies_plan_for_grant(grant=req)
    notify(
        recipients=[req.requested_by],
        subject=_("Access to {number} granted").format(number=req.record),
        body=_("Until {until} (Beijing time).").format(
            until=f"{req.expires_at.astimezone(BEIJING):%Y-%m-%d %H:%M}"
        ),
        link=reverse("archives:record_detail", args=[req.record_id]),
    )
    return req


@transaction.atomic
def access_request_refuse(
    *, access_request: AccessRequest, actor: Staff, note: str, client_ip: str | None = None
) -> AccessRequest:
    require_same_branch(access_request.branch_id, actor)
    if not note.strip():
        raise InvalidInput(_("Say why access is refused."))
    req = _lock(access_request)
    decided = req.record_decision(actor, note)
    apply_transition(
        req,
        "refuse",
        actor=actor,
        update_fields=decided,
        event_of={
            "branch_id": req.branch_id,
            "actor": actor,
            "action": ArchiveAction.ACCESS_REFUSED,
            "record": req.record,
            "access_request": req,
            "comment": req.decision_note,
            "client_ip": client_ip,
        },
    )
    notify(
        recipients=[req.requested_by],
        subject=_("Access to {number} refused").format(number=req.record),
        body=req.decision_note,
        link=reverse("archives:record_detail", args=[req.record_id]),
    )
    return req


def _drop_permission_unless_live(user: Staff, record: ArchiveRecord) -> None:
    """The guardian permission goes with the last live grant of that person on that record."""
    still_live = AccessRequest.objects.filter(
        requested_by=user,
        record=record,
        state=AccessState.GRANTED,
        expires_at__gt=timezone.now(),
    ).exists()
    if not still_live:
        remove_perm(FILE_PERMISSION, user, record)


# How a grant ends, and the event each writes.
_CLOSING = {"revoke": ArchiveAction.ACCESS_REVOKED, "expire": ArchiveAction.ACCESS_EXPIRED}


def close_grant(req: AccessRequest, *, name: str, actor: Staff | None, note: str = "") -> None:
    """Revoke or expire a locked grant (the caller is in a transaction)."""
    req.closed_at = timezone.now()
    req.closed_by = actor
    if note:
        req.decision_note = (f"{req.decision_note} / {note}" if req.decision_note else note)[:300]
    apply_transition(
        req,
        name,
        actor=actor,
        by_system=name == "expire",
        update_fields=("closed_at", "closed_by", "decision_note"),
        event_of={
            "branch_id": req.branch_id,
            "actor": actor,
            "action": _CLOSING[name],
            "record": req.record,
            "access_request": req,
            "comment": note,
        },
    )
    _drop_permission_unless_live(req.requested_by, req.record)
    copies.reader_copies_discard_for_grant(grant=req)


@transaction.atomic
def access_grant_revoke(
    *, access_request: AccessRequest, actor: Staff, note: str = "", client_ip: str | None = None
) -> AccessRequest:
    require_same_branch(access_request.branch_id, actor)
    req = _lock(access_request)
    close_grant(req, name="revoke", actor=actor, note=note.strip())
    return req


@transaction.atomic
def access_grants_expire(*, branch: Branch) -> dict[str, int]:
    """Grants whose time is up lose their object permission (they are refused from the
    moment they expire either way; this tidies the permission table and the queue)."""
    due = list(
        AccessRequest.objects.select_for_update(of=("self",))
        .filter(branch=branch, state=AccessState.GRANTED, expires_at__lte=timezone.now())
        .select_related("record", "requested_by")
        .order_by("pk")
    )
    for req in due:
        close_grant(req, name="expire", actor=None)
    return {"grants_expired": len(due)}


class CopyNotReady(InvalidState):
    """The reader's copy is still being made: the page says so and asks to come back."""


@dataclass(frozen=True)
class OpenedCopy:
    """The stored copy a view streams (never re-rendered on a view)."""

    file_name: str
    size: int
    filename: str
    content_type: str = storage.PDF

    def open(self) -> File:  # type: ignore[type-arg]
        return storage.file_open(self.file_name)

    @property
    def content(self) -> bytes:
        return storage.file_read(self.file_name)


def _refuse(
    document: ArchiveDocument, *, actor: Staff, client_ip: str | None, message: str
) -> Forbidden:
    """No live grant for this person: the refusal is registered in the access log too."""
    AccessLogEntry.objects.create(
        branch_id=document.record.branch_id,
        user=actor,
        record=document.record,
        document=document,
        action=AccessAction.REFUSED,
        purpose=message,
        client_ip=client_ip,
    )
    return Forbidden(message)


def document_open(
    *,
    document: ArchiveDocument,
    actor: Staff,
    download: bool = False,
    client_ip: str | None = None,
) -> OpenedCopy:
    """The copy of one file made for this person's live grant (disarmed and watermarked
    once, by a background job; never rendered here), registered in the access log; anyone
    else is refused (and the refusal registered too)."""
    record = document.record
    require_same_branch(record.branch_id, actor)
    if record.status == RecordStatus.DESTROYED or document.destroyed_at is not None:
        raise InvalidInput(
            _("This file was destroyed on approval (records Art. 8)."),
            code=ArchiveErrorCode.DESTROYED,
        )
    if record.status != RecordStatus.FILED:
        raise InvalidState(_("This record is not filed yet."))
    grant = live_grant(user=actor, record=record)
    if grant is None or not permissions.holds_file_permission(actor, record):
        lapsed = (
            AccessRequest.objects.filter(
                record=record, requested_by=actor, state__in=[AccessState.GRANTED]
            )
            .order_by("-expires_at")
            .first()
        )
        if lapsed is not None and lapsed.expires_at is not None:
            message = _(
                "Your access to {number} ended at {until}. Ask again, with the customer's "
                "consent (records Art. 6(1))."
            ).format(number=record, until=f"{lapsed.expires_at.astimezone(BEIJING):%Y-%m-%d %H:%M}")
        else:
            message = _(
                "You have no access grant for {number}. Ask for access, stating the purpose "
                "and the customer's consent (records Art. 6(1))."
            ).format(number=record)
        raise _refuse(document, actor=actor, client_ip=client_ip, message=message)
    copy = copies.reader_copy_for(document=document, grant=grant)
    if copy.state == CopyState.FAILED:
        raise InvalidState(copy.problem, code=ArchiveErrorCode.COPY_FAILED)
    if copy.state != CopyState.READY:
        raise CopyNotReady(
            _(
                "The copy of this file for you is being prepared (its pages are rendered "
                "once and carry your name). Try again in a minute."
            ),
            code=ArchiveErrorCode.COPY_PENDING,
        )
    AccessLogEntry.objects.create(
        branch_id=record.branch_id,
        user=actor,
        record=record,
        document=document,
        access_request=grant,
        action=AccessAction.DOWNLOAD if download else AccessAction.VIEW,
        purpose=grant.purpose,
        client_ip=client_ip,
    )
    return OpenedCopy(
        file_name=copy.file.name,
        size=copy.size or 0,
        filename=f"{record.number}-{document.pk}-{document.kind}.pdf",
    )
