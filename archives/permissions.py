"""Who may do what in the archives (records Art. 5–8): the one vocabulary the services, the
pages, the model's transitions and the API use.

A predicate answers who: the person's role and branch and how they stand to the object (the
one who asked, the one who uploaded, the holder of a grant). When — in which state — is the
object's own: the transition table on the model, which takes these predicates as its
`permission=` and which `kernel.workflow.may_take` reads, or the record's state for the steps
that are not transitions. `available_actions` asks both; the services still refuse, with the
reason, whatever slips past a page.

Opening a record's files is never a role's: it is an object permission granted per record,
with the customer's consent (records Art. 6; archives.services.access)."""

from __future__ import annotations

from typing import Any

from guardian.shortcuts import get_user_perms

from accounts.models import Staff
from accounts.roles import COUNTER_ROLES, Role
from kernel import workflow

from .models import (
    AccessRequest,
    ArchiveDocument,
    ArchiveRecord,
    DestructionRequest,
    InventoryCheck,
)
from .selectors import live_grant

# The object permission a grant gives on one record (ArchiveRecord.Meta.permissions).
FILE_CODENAME = "view_archive_files"


def _of_branch(actor: Staff, obj: Any) -> bool:
    return bool(actor.branch_id == obj.branch_id)


# --- The roles' work ----------------------------------------------------------------------


def keeps_archives(actor: Staff) -> bool:
    """The archivist keeps the records: files, shelves and counts them, and destroys them
    once the company head approved (records Art. 5, 7, 8)."""
    return actor.has_role(Role.ARCHIVIST)


def may_file(actor: Staff) -> bool:
    """Drafts, filing and the day's papers are the archivist's work (records Art. 5)."""
    return keeps_archives(actor)


def may_add_scans(actor: Staff) -> bool:
    """The counter scans the copies it keeps (Art. 13); the archivist files them."""
    return actor.has_role(Role.ARCHIVIST, *COUNTER_ROLES)


def may_see_grants(actor: Staff) -> bool:
    return actor.has_role(Role.ARCHIVIST, Role.AUDITOR)


def may_read_register(actor: Staff) -> bool:
    """Records Art. 6(2): a record's access register and history are read by the archivist,
    who keeps them, and the auditor."""
    return actor.has_role(Role.ARCHIVIST, Role.AUDITOR)


def decides_access(actor: Staff) -> bool:
    """Records Art. 6(1): the archivist decides who may open a record's files."""
    return keeps_archives(actor)


def may_see_inventory(actor: Staff) -> bool:
    return actor.has_role(Role.ARCHIVIST, Role.AUDITOR)


def may_run_inventory(actor: Staff) -> bool:
    """Records Art. 7(2): the archivist counts the paper records."""
    return keeps_archives(actor)


def may_see_integrity(actor: Staff) -> bool:
    return actor.has_role(Role.ARCHIVIST, Role.GENERAL_MANAGER, Role.AUDITOR)


def may_see_destruction(actor: Staff) -> bool:
    """Destruction is approved by the company head (records Art. 8)."""
    return actor.has_role(Role.ARCHIVIST, Role.COMPANY_HEAD, Role.AUDITOR)


def may_request_destruction(actor: Staff) -> bool:
    """Records Art. 8: the archivist lists the records whose retention date has passed."""
    return keeps_archives(actor)


def decides_destruction(actor: Staff) -> bool:
    """Records Art. 8(1): the company head, and nobody else, approves a destruction."""
    return actor.has_role(Role.COMPANY_HEAD)


# --- A record and its files ---------------------------------------------------------------


def may_file_record(actor: Staff, record: ArchiveRecord) -> bool:
    """Filing by hand (records Art. 5(2)-(3)) is the branch's archivist's; a request's papers
    are filed by the nightly filing after the close, by nobody's hand (Art. 15)."""
    return _of_branch(actor, record) and may_file(actor) and record.transfer_request_id is None


def may_add_scans_to(actor: Staff, record: ArchiveRecord) -> bool:
    """The archivist adds scans to any draft of the branch; the counter only to a request's
    papers (Art. 13)."""
    if not _of_branch(actor, record):
        return False
    return may_add_scans(actor) if record.transfer_request_id is not None else may_file(actor)


def may_remove_scan(actor: Staff, document: ArchiveDocument) -> bool:
    """A scan uploaded by mistake is taken out by whoever uploaded it, or by the archivist."""
    return _of_branch(actor, document.record) and (
        document.uploaded_by_id == actor.pk or keeps_archives(actor)
    )


def holds_file_permission(actor: Staff, record: ArchiveRecord) -> bool:
    # Only the permission given to this person on this record counts: not a group's, and a
    # superuser has no way round the customer's consent.
    return FILE_CODENAME in set(get_user_perms(actor, record).values_list("codename", flat=True))


def may_open_files(actor: Staff, record: ArchiveRecord, granted: set[int] | None = None) -> bool:
    """Records Art. 6: a live grant of this person's on this record, and the object
    permission it gave. A grant past its time opens nothing, even before the expiry job.
    `granted`: the records with a live grant, read once for a list (records_with_live_grant);
    a record without one costs no permission query."""
    live = record.pk in granted if granted is not None else live_grant(user=actor, record=record)
    return bool(live) and holds_file_permission(actor, record)


def may_destroy_record(actor: Staff, record: ArchiveRecord) -> bool:
    """Records Art. 8(2): the branch's archivist destroys a record, only as part of a
    destruction the company head approved (the service takes it only so)."""
    return _of_branch(actor, record) and keeps_archives(actor)


# --- Access requests (records Art. 6(1)) --------------------------------------------------


def may_grant_access(actor: Staff, access_request: AccessRequest) -> bool:
    """The branch's archivist grants; nobody grants access to themselves: another archivist
    decides."""
    return may_refuse_access(actor, access_request) and access_request.requested_by_id != actor.pk


def may_refuse_access(actor: Staff, access_request: AccessRequest) -> bool:
    """A refusal opens nothing: the branch's archivist may refuse any request, their own
    too."""
    return _of_branch(actor, access_request) and decides_access(actor)


def may_revoke_access(actor: Staff, access_request: AccessRequest) -> bool:
    return _of_branch(actor, access_request) and decides_access(actor)


# --- Destruction (records Art. 8) ---------------------------------------------------------


def may_approve_destruction(actor: Staff, destruction_request: DestructionRequest) -> bool:
    """Records Art. 8(1): the company head of the branch, alone."""
    return _of_branch(actor, destruction_request) and decides_destruction(actor)


def may_reject_destruction(actor: Staff, destruction_request: DestructionRequest) -> bool:
    """Rejecting is the same person's decision as approving (records Art. 8(1))."""
    return may_approve_destruction(actor, destruction_request)


def may_execute_destruction(actor: Staff, destruction_request: DestructionRequest) -> bool:
    """Records Art. 8(2): the branch's archivist carries out an approved destruction."""
    return _of_branch(actor, destruction_request) and keeps_archives(actor)


# --- Inventory (records Art. 7(2)) --------------------------------------------------------


def may_finish_inventory(actor: Staff, inventory: InventoryCheck) -> bool:
    return _of_branch(actor, inventory) and may_run_inventory(actor)


# --- What a page offers now, by action name -----------------------------------------------


def available_actions(
    record: ArchiveRecord, actor: Staff, *, granted: set[int] | None = None
) -> dict[str, bool]:
    """What this person may do with this record now: the record page's `can`, and the
    API's `available_actions` (a list passes `granted`, see may_open_files)."""
    mine = _of_branch(actor, record)
    opens = record.is_filed and may_open_files(actor, record, granted)
    files = workflow.may_take(record, "file", actor)
    return {
        "file": files,
        "discard": files,  # a draft filed by hand is discarded by the same hand
        "add_scans": record.is_draft and may_add_scans_to(actor, record),
        "shelve": record.awaits_shelving and mine and may_file(actor),
        "request_access": record.is_filed and mine and not opens,
        "open_files": opens,
        "read_register": mine and may_read_register(actor),
    }


def action_names(
    record: ArchiveRecord, actor: Staff, *, granted: set[int] | None = None
) -> list[str]:
    actions = available_actions(record, actor, granted=granted)
    return sorted(name for name, allowed in actions.items() if allowed)


def document_actions(document: ArchiveDocument, actor: Staff) -> dict[str, bool]:
    return {"remove": document.record.is_draft and may_remove_scan(actor, document)}


def access_request_actions(access_request: AccessRequest, actor: Staff) -> dict[str, bool]:
    return {
        name: workflow.may_take(access_request, name, actor)
        for name in ("grant", "refuse", "revoke")
    }


def destruction_actions(destruction_request: DestructionRequest, actor: Staff) -> dict[str, bool]:
    return {
        name: workflow.may_take(destruction_request, name, actor)
        for name in ("approve", "reject", "execute")
    }


def inventory_actions(inventory: InventoryCheck, actor: Staff) -> dict[str, bool]:
    return {
        "mark": inventory.is_open and _of_branch(actor, inventory) and may_run_inventory(actor),
        "finish": workflow.may_take(inventory, "finish", actor),
    }
