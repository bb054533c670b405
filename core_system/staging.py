"""The customer master's export kept between its preview and its apply, for the page and the
API, whose caller cannot be asked to send the same file twice.

The file holds identity numbers and phones in clear, so it is kept encrypted at rest with the
personal-data keys (accounts/pii.py, PIPL Art. 51), only while it can still be applied: a
preview with bad lines keeps nothing, an applied or failed one drops it, and an unapplied one
is swept after STAGING_TTL (`core_system.staging_sweep`, a scheduled job). Apply reads it
back and `customer_master_apply` still checks its SHA-256 against the preview, so only the
file that was previewed is ever loaded."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch, Staff
from accounts.pii import pii_decrypt_bytes, pii_encrypt_bytes
from core_system.customer_master import Progress, customer_master_apply, customer_master_preview
from core_system.models import CustomerImport, ImportState
from core_system.permissions import may_import_customers
from kernel.errors import Forbidden, InvalidState, NotFound

STAGING_DIR = "customer-master-staging"
# A day: enough to read the preview and apply it the same working day; not a copy of the
# customers' identity numbers kept for longer than the import needs (PIPL Art. 19).
DEFAULT_TTL = dt.timedelta(hours=24)


def staging_ttl() -> dt.timedelta:
    return getattr(settings, "CUSTOMER_MASTER_STAGING_TTL", DEFAULT_TTL)


def _check_actor(actor: Staff, branch_id: int) -> None:
    if actor.branch_id != branch_id:
        raise NotFound(_("Not found."))
    if not may_import_customers(actor):
        raise Forbidden(
            _("Only the branch's general manager imports the customer master."),
            code="customer_master_forbidden",
        )


def _discard(record: CustomerImport) -> None:
    if record.staged_name:
        default_storage.delete(record.staged_name)
    record.staged_name = ""
    record.staged_until = None


def customer_import_upload(
    *,
    branch: Branch,
    actor: Staff,
    data: bytes,
    filename: str = "",
    full: bool = False,
    encoding: str | None = None,
) -> CustomerImport:
    """Preview the export and, when it can be applied, keep it (encrypted) for the apply."""
    _check_actor(actor, branch.pk)
    preview = customer_master_preview(
        branch=branch, data=data, filename=filename, full=full, encoding=encoding, actor=actor
    )
    if preview.applicable:
        name = default_storage.save(
            f"{STAGING_DIR}/{preview.pk}-{uuid.uuid4().hex}.fernet",
            ContentFile(pii_encrypt_bytes(data)),
        )
        preview.staged_name = name
        preview.staged_until = timezone.now() + staging_ttl()
        preview.save(update_fields=["staged_name", "staged_until"])
    return preview


def _staged_bytes(record: CustomerImport) -> bytes:
    if not record.staged_name or not default_storage.exists(record.staged_name):
        raise InvalidState(
            _("The previewed file is no longer kept here: upload and preview it again."),
            code="customer_master_file_gone",
        )
    with default_storage.open(record.staged_name, "rb") as handle:
        return pii_decrypt_bytes(handle.read())


def customer_import_check_apply(*, preview: CustomerImport, actor: Staff) -> None:
    """What refuses an apply before it is queued: the page says so at once."""
    _check_actor(actor, preview.branch_id)
    if preview.state == ImportState.APPLIED:
        return
    if not preview.applicable:
        raise InvalidState(
            _("This file cannot be applied: its preview found {count} bad line(s).").format(
                count=preview.bad
            )
            if preview.state == ImportState.PREVIEWED
            else _("This file cannot be applied: its apply already failed."),
            code="customer_master_not_applicable",
        )
    if not preview.staged_name:
        _staged_bytes(preview)  # raises with the message


def customer_import_apply(
    *, preview: CustomerImport, actor: Staff, progress: Progress | None = None
) -> CustomerImport:
    """Apply the kept file of `preview`; then drop the file, applied or failed. Applying an
    applied preview again returns it unchanged (the file is gone by then, and not needed)."""
    customer_import_check_apply(preview=preview, actor=actor)
    if preview.state == ImportState.APPLIED:
        return preview
    data = _staged_bytes(preview)
    try:
        record = customer_master_apply(preview=preview, data=data, actor=actor, progress=progress)
    except InvalidState:
        _drop_kept_file(preview.pk)
        raise
    _drop_kept_file(record.pk)
    record.refresh_from_db()
    return record


def _drop_kept_file(pk: int) -> None:
    with transaction.atomic():
        record = CustomerImport.objects.select_for_update(of=("self",)).get(pk=pk)
        if record.state != ImportState.PREVIEWED:
            _discard(record)
            record.save(update_fields=["staged_name", "staged_until"])


def customer_import_set_task(*, preview: CustomerImport, task_id: str) -> None:
    CustomerImport.objects.filter(pk=preview.pk).update(task_id=task_id)


def staging_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Drop every kept file past its time (and any left by an apply that ended)."""
    now = now or timezone.now()
    swept = 0
    expired = CustomerImport.objects.exclude(staged_name="").filter(staged_until__lt=now)
    ended = CustomerImport.objects.exclude(staged_name="").exclude(state=ImportState.PREVIEWED)
    for pk in sorted({*expired.values_list("pk", flat=True), *ended.values_list("pk", flat=True)}):
        with transaction.atomic():
            record = CustomerImport.objects.select_for_update(of=("self",)).get(pk=pk)
            if record.staged_name:
                _discard(record)
                record.save(update_fields=["staged_name", "staged_until"])
                swept += 1
    return {"swept": swept}
