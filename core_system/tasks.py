"""The customer master's apply, in the background: thin, an id in, the service's counts out.
Safe to run twice: an applied preview is returned unchanged."""

from __future__ import annotations

import uuid
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction

from accounts.models import Staff
from core_system.customer_master import Progress
from core_system.models import CustomerImport, ImportState
from core_system.staging import (
    customer_import_apply,
    customer_import_check_apply,
    customer_import_set_task,
)
from kernel.errors import ApplicationError


def _progress_to_backend(task: Any) -> Progress | None:
    """A worker reports progress through the result backend (the import's row is inside the
    apply's transaction and invisible until it ends); in-process there is nobody to tell."""
    if task.request.is_eager or not task.request.id:
        return None

    def report(done: int, total: int | None) -> None:
        task.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return report


@shared_task(
    name="core_system.customer_import_apply",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def customer_import_apply_task(self: Any, import_id: int, actor_id: int) -> dict[str, Any]:
    preview = CustomerImport.objects.get(pk=import_id)
    actor = Staff.objects.get(pk=actor_id)
    try:
        record = customer_import_apply(
            preview=preview, actor=actor, progress=_progress_to_backend(self)
        )
    except ApplicationError as error:
        # The refusal is on the preview (failed, with its report) for the page to show.
        return {"id": import_id, "refused": error.code, "message": error.message}
    return {"id": record.pk, "state": record.state}


def customer_import_queue(*, preview: CustomerImport, actor: Staff) -> CustomerImport:
    """Refuse now what the apply would refuse, then apply in the background once this
    transaction commits (without Redis it runs in this process at that moment)."""
    customer_import_check_apply(preview=preview, actor=actor)
    if preview.state != ImportState.PREVIEWED:
        return preview
    task_id = str(uuid.uuid4())
    customer_import_set_task(preview=preview, task_id=task_id)
    preview.task_id = task_id

    def send() -> None:
        customer_import_apply_task.apply_async(args=(preview.pk, actor.pk), task_id=task_id)

    transaction.on_commit(send)
    return preview
