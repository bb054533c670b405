"""Who may do what in the archives, asked of archives/permissions.py for every person of the
branch (and one of another branch): the predicates the services, the pages, the transitions
and the API share (records Art. 5–8)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from guardian.shortcuts import assign_perm

from accounts.roles import Role
from archives import permissions, services
from archives.models import (
    AccessRequest,
    ArchiveRecord,
    DestructionRequest,
    InventoryCheck,
    Medium,
)
from archives.services.access import FILE_PERMISSION
from kernel import workflow
from kernel.workflow import NOBODY
from tests.builders import (
    AFTER_CLOSE,
    BEIJING,
    TODAY,
    ask_access,
    filed_record,
    granted,
    pdf_bytes,
    to_completed,
    to_state,
    upload,
)
from transfers.models import TransferState

pytestmark = pytest.mark.django_db

EVERYONE = ["clerk", "lead", "am", "md", "gm", "auditor", "archivist", "archivist2", "head"]
ARCHIVISTS = {"archivist", "archivist2"}
COUNTER = {"clerk", "lead"}
LONG_AGO = dt.date(2005, 6, 30)  # its twenty years are over


def who(arch, predicate, obj) -> set[str]:
    """The people of the branch for whom `predicate(person, obj)` holds."""
    return {name for name in EVERYONE if predicate(getattr(arch, name), obj)}


def nobody_of(other, predicate, obj) -> bool:
    """Nobody of the other branch, whatever their role."""
    return not any(predicate(getattr(other, name), obj) for name in EVERYONE)


def manual_draft(arch):
    return services.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category="individual",
        medium=Medium.ELECTRONIC,
        title="草稿",
    )


def request_draft(arch):
    """A request's papers waiting for the nightly filing, with one scan the clerk uploaded."""
    req = to_state(arch.people, TransferState.AWAITING_APPROVAL)
    document = services.archive_scan_upload(
        request=req, actor=arch.clerk, kind="identity_copy", upload=upload("id.pdf", pdf_bytes())
    )
    return document.record, document


def destruction(arch):
    record = filed_record(arch, relationship_ended_on=LONG_AGO)
    return services.destruction_request_create(
        actor=arch.archivist, records=[record], reason="保管期满"
    )


# --- Access (records Art. 6(1)) -----------------------------------------------------------


def test_the_archivist_who_asked_cannot_grant_their_own_access_another_archivist_does(arch, other):
    own = ask_access(arch, filed_record(arch), arch.archivist)
    leads = ask_access(arch, filed_record(arch), arch.lead)

    assert who(arch, permissions.may_grant_access, own) == {"archivist2"}
    assert who(arch, permissions.may_grant_access, leads) == ARCHIVISTS
    assert nobody_of(other, permissions.may_grant_access, leads)
    # The transition table asks the same predicate.
    assert not workflow.may_take(own, "grant", arch.archivist)
    assert workflow.may_take(own, "grant", arch.archivist2)


def test_the_branchs_archivists_refuse_any_request_their_own_too_and_revoke_grants(arch, other):
    own = ask_access(arch, filed_record(arch), arch.archivist)
    live = granted(arch, filed_record(arch), arch.lead)

    assert who(arch, permissions.may_refuse_access, own) == ARCHIVISTS
    assert who(arch, permissions.may_revoke_access, live) == ARCHIVISTS
    assert nobody_of(other, permissions.may_refuse_access, own)
    assert nobody_of(other, permissions.may_revoke_access, live)


def test_files_open_only_for_the_holder_of_a_live_grant(arch, frozen_now):
    record = filed_record(arch)
    granted(arch, record, arch.lead, days=1)
    assign_perm(FILE_PERMISSION, arch.md, record)  # a permission without a grant

    assert who(arch, permissions.may_open_files, record) == {"lead"}

    frozen_now.move_to(dt.datetime(2026, 11, 26, 10, 30, tzinfo=BEIJING))
    assert who(arch, permissions.may_open_files, record) == set()


# --- Destruction (records Art. 8) ---------------------------------------------------------


def test_the_company_head_alone_approves_or_rejects_a_destruction(arch, other):
    pending = destruction(arch)

    assert who(arch, permissions.may_approve_destruction, pending) == {"head"}
    assert who(arch, permissions.may_reject_destruction, pending) == {"head"}
    assert nobody_of(other, permissions.may_approve_destruction, pending)
    assert not workflow.may_take(pending, "approve", arch.archivist)
    assert workflow.may_take(pending, "approve", arch.head)


def test_the_archivist_carries_out_the_destruction_the_company_head_approved(arch, other):
    request = destruction(arch)
    assert who(arch, permissions.may_execute_destruction, request) == ARCHIVISTS
    assert nobody_of(other, permissions.may_execute_destruction, request)
    # Not before the approval: the transition table says when.
    assert not workflow.may_take(request, "execute", arch.archivist)
    services.destruction_request_approve(destruction_request=request, actor=arch.head)
    request.refresh_from_db()
    assert workflow.may_take(request, "execute", arch.archivist)
    assert not workflow.may_take(request, "execute", arch.head)


# --- Filing and scans (records Art. 5; Art. 13, 15) ---------------------------------------


def test_a_draft_is_filed_by_the_archivists_hand_and_a_requests_papers_by_nobodys(arch, other):
    by_hand = manual_draft(arch)
    papers, _scan = request_draft(arch)

    assert who(arch, permissions.may_file_record, by_hand) == ARCHIVISTS
    assert who(arch, permissions.may_file_record, papers) == set()
    assert nobody_of(other, permissions.may_file_record, by_hand)


def test_the_counter_adds_scans_to_a_requests_papers_only_the_archivist_to_any_draft(arch, other):
    by_hand = manual_draft(arch)
    papers, _scan = request_draft(arch)

    assert who(arch, permissions.may_add_scans_to, papers) == ARCHIVISTS | COUNTER
    assert who(arch, permissions.may_add_scans_to, by_hand) == ARCHIVISTS
    assert nobody_of(other, permissions.may_add_scans_to, papers)


def test_a_scan_is_removed_by_whoever_uploaded_it_or_the_archivist(arch, other):
    _papers, scan = request_draft(arch)

    assert who(arch, permissions.may_remove_scan, scan) == ARCHIVISTS | {"clerk"}
    assert nobody_of(other, permissions.may_remove_scan, scan)


# --- What a page and the API offer --------------------------------------------------------


def test_a_draft_offers_filing_to_the_archivist_and_only_the_register_to_the_auditor(arch):
    draft = manual_draft(arch)

    assert permissions.action_names(draft, arch.archivist) == [
        "add_scans",
        "discard",
        "file",
        "read_register",
    ]
    assert permissions.action_names(draft, arch.auditor) == ["read_register"]
    assert permissions.action_names(draft, arch.clerk) == []


def test_a_filed_record_offers_its_files_to_the_grant_holder_and_asking_to_the_others(arch):
    record = filed_record(arch)
    granted(arch, record, arch.lead)

    assert permissions.action_names(record, arch.lead) == ["open_files"]
    assert permissions.action_names(record, arch.archivist) == ["read_register", "request_access"]
    assert permissions.action_names(record, arch.md) == ["request_access"]


def test_paper_filed_by_night_is_offered_for_shelving_to_the_archivist_once(arch, frozen_now):
    req = to_completed(arch.people, arch.customer("ordinary"))
    frozen_now.move_to(AFTER_CLOSE)
    services.archive_file_day(branch=arch.branch, business_date=TODAY)
    record = ArchiveRecord.objects.get(transfer_request=req)
    assert record.is_paper

    assert who(arch, lambda p, r: permissions.available_actions(r, p)["shelve"], record) == (
        ARCHIVISTS
    )
    services.archive_record_shelve(record=record, actor=arch.archivist, cabinet="A", box="1")
    record.refresh_from_db()
    assert not permissions.available_actions(record, arch.archivist)["shelve"]


# --- One vocabulary ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", [ArchiveRecord, AccessRequest, DestructionRequest, InventoryCheck]
)
def test_every_archives_transition_asks_a_predicate_of_the_permissions_module(model):
    field = next(f for f in model._meta.fields if f.name in ("status", "state"))
    for transition in field.get_all_transitions(model):
        name = transition.permission.__name__
        if transition.permission is NOBODY:  # taken only by the services (expiry)
            continue
        assert callable(getattr(permissions, name, None)), (model, transition.name, name)


def test_no_archives_code_but_the_permissions_asks_for_a_role():
    package = Path(settings.BASE_DIR) / "archives"
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "permissions.py" and "has_role" in path.read_text()
    ]
    assert offenders == []


def test_no_archives_template_compares_a_state_or_names_a_role():
    roles = "|".join(re.escape(r) for r in Role.values)
    compares = re.compile(r"\.(status|state|medium)\s*(==|!=)|[\"'](" + roles + r")[\"']")
    templates = Path(settings.BASE_DIR) / "templates" / "archives"
    offenders = [
        path.name for path in templates.glob("*.html") if compares.search(path.read_text())
    ]
    assert offenders == []
