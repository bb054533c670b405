"""The inventory (盘点) of the paper records (records Art. 7(2)): a list by location to check
off, and a result that names what was not found."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Staff
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from kernel.errors import Conflict, InvalidState, NotFound
from notifications.services import notify

from .. import permissions
from ..errors import ArchiveErrorCode
from ..models import (
    ArchiveAction,
    ArchiveRecord,
    InventoryCheck,
    InventoryItem,
    InventoryState,
    Medium,
    RecordStatus,
)
from ._common import apply_transition, archivist_only, event, require


def _lock(inventory: InventoryCheck) -> InventoryCheck:
    return InventoryCheck.objects.select_for_update(of=("self",)).get(pk=inventory.pk)


@transaction.atomic
def inventory_start(
    *, actor: Staff, note: str = "", client_ip: str | None = None
) -> InventoryCheck:
    """A snapshot of every filed paper record of the branch and where it should be."""
    require(permissions.may_run_inventory(actor), archivist_only())
    # Lock the branch's open inventories (none, normally) so two starts do not race.
    if (
        InventoryCheck.objects.select_for_update(of=("self",))
        .filter(branch_id=actor.branch_pk, state=InventoryState.OPEN)
        .exists()
    ):
        raise Conflict(
            _("An inventory is already under way: finish it first."),
            code=ArchiveErrorCode.DUPLICATE,
        )
    inventory = InventoryCheck.objects.create(
        branch_id=actor.branch_pk, started_by=actor, note=note.strip()
    )
    records = ArchiveRecord.objects.filter(
        branch_id=actor.branch_pk, status=RecordStatus.FILED, medium=Medium.PAPER
    ).order_by("cabinet", "box", "number")
    InventoryItem.objects.bulk_create(
        [
            InventoryItem(check_run=inventory, record=r, cabinet=r.cabinet, box=r.box)
            for r in records
        ]
    )
    event(
        branch_id=actor.branch_pk,
        actor=actor,
        action=ArchiveAction.INVENTORY_STARTED,
        comment=_("{n} paper records").format(n=records.count()),
        client_ip=client_ip,
    )
    return inventory


@transaction.atomic
def inventory_mark(
    *,
    inventory: InventoryCheck,
    actor: Staff,
    shown: Iterable[int],
    found: Iterable[int],
) -> int:
    """The items on the page just checked: ticked ones were found, the others were not
    (yet). Returns how many items were marked."""
    require(permissions.may_run_inventory(actor), archivist_only())
    inventory = _lock(inventory)
    if inventory.branch_id != actor.branch_id:
        raise NotFound(_("Not found."))
    if inventory.state != InventoryState.OPEN:
        raise InvalidState(_("This inventory is finished."))
    shown_ids, found_ids = set(shown), set(found)
    items = list(
        InventoryItem.objects.select_for_update(of=("self",))
        .filter(check_run=inventory, pk__in=shown_ids)
        .order_by("pk")
    )
    now = timezone.now()
    for item in items:
        item.found = item.pk in found_ids
        item.checked_by, item.checked_at = actor, now
        item.save(update_fields=["found", "checked_by", "checked_at"])
    return len(items)


@transaction.atomic
def inventory_finish(
    *, inventory: InventoryCheck, actor: Staff, note: str = "", client_ip: str | None = None
) -> InventoryCheck:
    """Whatever was not ticked is missing; the archivists and the general manager are told."""
    require(permissions.may_run_inventory(actor), archivist_only())
    inventory = _lock(inventory)
    if inventory.branch_id != actor.branch_id:
        raise NotFound(_("Not found."))
    # Whatever was not ticked is missing; saved with the finish or not at all.
    inventory.items.filter(found__isnull=True).update(found=False)
    missing = list(inventory.items.filter(found=False).select_related("record"))
    inventory.finished_by, inventory.finished_at = actor, timezone.now()
    if note.strip():
        inventory.note = f"{inventory.note}\n{note.strip()}".strip()
    apply_transition(
        inventory,
        "finish",
        actor=actor,
        update_fields=("finished_by", "finished_at", "note"),
        event_of={
            "branch_id": inventory.branch_id,
            "actor": actor,
            "action": ArchiveAction.INVENTORY_FINISHED,
            "comment": _("{total} checked, {missing} missing").format(
                total=inventory.items.count(), missing=len(missing)
            ),
            "client_ip": client_ip,
        },
    )
    if missing:
        notify(
            recipients=staff_with_roles(inventory.branch_id, Role.ARCHIVIST, Role.GENERAL_MANAGER),
            subject=_("Inventory: {n} paper record(s) not found").format(n=len(missing)),
            body="\n".join(
                f"{item.record} ({item.cabinet} / {item.box})".strip() for item in missing
            ),
            link=reverse("archives:inventory_detail", args=[inventory.pk]),
        )
    return inventory
