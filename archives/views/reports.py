"""The day's filing report and the integrity results."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jobs.models import JobRun
from kernel.params import path_day, query_date
from kernel.request_context import acting_staff

from .. import selectors
from ..models import ArchiveRecord, IntegrityCheck, RecordStatus
from ..permissions import may_see_integrity
from ._common import branch_integrity, require
from .records import last_filing_day


@login_required
def filing_index(request: HttpRequest) -> HttpResponse:
    day = query_date(request, "date") or last_filing_day()
    if day is None:
        raise Http404
    return redirect("archives:filing_day", day.isoformat())


@login_required
def filing_day(request: HttpRequest, day: str) -> HttpResponse:
    business_date = path_day(day)
    branch = acting_staff(request).branch
    report = selectors.filing_report(branch=branch, business_date=business_date)
    runs = JobRun.objects.filter(
        name="archives.file_day", branch=branch, business_date=business_date
    ).order_by("-pk")[:5]
    recent_days = (
        ArchiveRecord.objects.for_branch(branch)
        .exclude(status=RecordStatus.DRAFT)
        .exclude(business_date=None)
        .order_by("-business_date")
        .values_list("business_date", flat=True)
        .distinct()[:15]
    )
    return render(
        request,
        "archives/filing_day.html",
        {
            "report": report,
            "runs": runs,
            "recent_days": recent_days,
            "previous": business_date - dt.timedelta(days=1),
            "next": business_date + dt.timedelta(days=1),
        },
    )


@login_required
def integrity_list(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require(may_see_integrity(user))
    checks = IntegrityCheck.objects.filter(branch=user.branch).order_by("-business_date")[:60]
    return render(request, "archives/integrity_list.html", {"checks": checks})


@login_required
def integrity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = branch_integrity(request, pk)
    require(may_see_integrity(acting_staff(request)))
    findings = check.findings.select_related("document", "document__record")
    return render(request, "archives/integrity_detail.html", {"check": check, "findings": findings})
