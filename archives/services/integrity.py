"""The integrity check: every stored file hashed again and compared with the SHA-256 taken
when it was filed (records Art. 3: authentic and secure; Art. 7: checked regularly), and every
file in the branch's storage that no document references counted (a filing whose process was
killed before it could remove what it had written)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from jobs.registry import job_time_limit, notify_once

from ..models import (
    ArchiveDocument,
    IntegrityCheck,
    IntegrityFinding,
    IntegrityProblem,
    RecordStatus,
)
from . import storage


@transaction.atomic
def archive_integrity_check(*, branch: Branch, business_date: dt.date) -> dict[str, int]:
    """One result per branch and day: a re-run replaces that day's result with what it finds
    now. Anything changed or missing goes to the archivists and the general manager."""
    check, _created = IntegrityCheck.objects.select_for_update(of=("self",)).get_or_create(
        branch=branch, business_date=business_date, defaults={"started_at": timezone.now()}
    )
    check.findings.all().delete()
    check.started_at = timezone.now()
    documents = (
        ArchiveDocument.objects.filter(record__branch=branch, destroyed_at__isnull=True)
        .exclude(record__status=RecordStatus.DESTROYED)
        .select_related("record")
        .order_by("pk")
    )
    findings = []
    checked = 0
    for document in documents.iterator(chunk_size=200):
        checked += 1
        name = document.file.name
        if not storage.file_exists(name):
            findings.append(
                IntegrityFinding(
                    check_run=check,
                    document=document,
                    problem=IntegrityProblem.MISSING,
                    expected_sha256=document.sha256,
                )
            )
            continue
        try:
            found, size = storage.file_sha256(name)
        except OSError:
            found, size = "", -1
        if found != document.sha256 or size != document.size:
            findings.append(
                IntegrityFinding(
                    check_run=check,
                    document=document,
                    problem=IntegrityProblem.MISMATCH,
                    expected_sha256=document.sha256,
                    found_sha256=found,
                )
            )
    orphans = [
        IntegrityFinding(
            check_run=check, file_name=name, problem=IntegrityProblem.ORPHAN, expected_sha256=""
        )
        for name in _unreferenced_files(branch)
    ]
    findings += orphans
    IntegrityFinding.objects.bulk_create(findings)
    check.checked = checked
    check.missing = sum(1 for f in findings if f.problem == IntegrityProblem.MISSING)
    check.orphaned = len(orphans)
    check.mismatched = len(findings) - check.missing - check.orphaned
    check.intact = checked - check.missing - check.mismatched
    check.finished_at = timezone.now()
    check.save()
    if findings:
        _report(check, findings)
    return {
        "checked": check.checked,
        "intact": check.intact,
        "changed": check.mismatched,
        "missing": check.missing,
        "unreferenced": check.orphaned,
    }


def _unreferenced_files(branch: Branch) -> list[str]:
    """Files stored under the branch's folder that no document names. A file younger than a
    job's hard time limit may belong to a filing still under way, so it is left for the next
    check."""
    referenced = set(
        ArchiveDocument.objects.filter(file__startswith=f"archives/{branch.code}/").values_list(
            "file", flat=True
        )
    )
    settled_before = timezone.now() - job_time_limit()
    unreferenced = []
    for name in storage.files_under(branch.code):
        if name in referenced:
            continue
        written = storage.file_written_at(name)
        if written is not None and written > settled_before:
            continue
        unreferenced.append(name)
    return sorted(unreferenced)


def _report(check: IntegrityCheck, findings: list[IntegrityFinding]) -> None:
    lines = [
        f"{f.document.record} · {f.document.get_kind_display()} · {f.get_problem_display()}"
        if f.document is not None
        else f"{f.file_name} · {f.get_problem_display()}"
        for f in findings
    ]
    # The same problems found again on a re-run of the day are not announced twice.
    fingerprint = hashlib.sha256(
        ",".join(f"{f.document_id or f.file_name}:{f.problem}" for f in findings).encode()
    ).hexdigest()[:16]
    notify_once(
        kind="archives.integrity",
        ref=fingerprint,
        recipients=staff_with_roles(check.branch_id, Role.ARCHIVIST, Role.GENERAL_MANAGER),
        business_date=check.business_date,
        subject=_(
            "Archive integrity check {date}: {changed} changed, {missing} missing, "
            "{unreferenced} unreferenced"
        ).format(
            date=check.business_date.isoformat(),
            changed=check.mismatched,
            missing=check.missing,
            unreferenced=check.orphaned,
        ),
        body="\n".join(lines),
        link=reverse("archives:integrity_detail", args=[check.pk]),
    )
