"""The archive: the index, search, the record's index card, filing by hand, scans, and the
watermarked copy of a file."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Customer
from kernel.calendar import CalendarUnknown, TradingCalendar, beijing_now, close_of
from kernel.errors import ApplicationError, Forbidden, NotFound
from kernel.params import query_record_number
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal
from transfers.models import TransferRequest

from .. import permissions, selectors, services
from ..errors import ArchiveErrorCode
from ..forms import AccessRequestForm, DraftForm, RecordSearchForm, ScanForm, ShelveForm
from ..models import (
    AccessRequest,
    AccessState,
    ArchiveRecord,
    DestructionRequest,
    DestructionState,
    Medium,
    RecordStatus,
)
from ..services.access import CopyNotReady
from ._common import (
    attempt,
    branch_document,
    branch_record,
    require,
)


def last_filing_day() -> dt.date | None:
    """The latest trading day whose close has passed."""
    try:
        calendar = TradingCalendar()
        now = beijing_now()
        today = now.date()
        if calendar.is_trading_day(today) and now >= close_of(today):
            return today
        return calendar.previous_trading_day(today)
    except CalendarUnknown:
        return None


@login_required
def archives_index(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    branch = user.branch
    context = {
        "last_day": last_filing_day(),
        "pending_access": AccessRequest.objects.filter(
            branch=branch, state=AccessState.PENDING
        ).count(),
        "my_pending": AccessRequest.objects.filter(
            requested_by=user, state=AccessState.PENDING
        ).count(),
        "pending_destruction": DestructionRequest.objects.filter(
            branch=branch, state=DestructionState.PENDING
        ).count(),
        "approved_destruction": DestructionRequest.objects.filter(
            branch=branch, state=DestructionState.APPROVED
        ).count(),
        "drafts": ArchiveRecord.objects.for_branch(branch)
        .filter(status=RecordStatus.DRAFT)
        .count(),
        "unshelved": ArchiveRecord.objects.for_branch(branch)
        .filter(status=RecordStatus.FILED, medium=Medium.PAPER, cabinet="")
        .count(),
        "can": {
            "file": permissions.may_file(user),
            "add_scans": permissions.may_add_scans(user),
            "decide_access": permissions.decides_access(user),
        },
    }
    return render(request, "archives/index.html", context)


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    form = RecordSearchForm(request.GET or None)
    records = None
    if form.is_valid():
        records = selectors.archive_record_search(
            branch=acting_staff(request).branch,
            query=form.cleaned_data["q"],
            category=form.cleaned_data["category"],
            status=form.cleaned_data["status"],
            year=form.cleaned_data["year"],
        )
    elif not request.GET:
        records = selectors.archive_record_search(branch=acting_staff(request).branch, limit=50)
    return render(request, "archives/record_list.html", {"form": form, "records": records})


def render_card(
    request: HttpRequest, record: ArchiveRecord, status: int = 200, **forms
) -> HttpResponse:  # type: ignore[no-untyped-def]
    user = acting_staff(request)
    can = permissions.available_actions(record, user)
    documents = record.documents.select_related("uploaded_by").order_by("pk")
    sees_log = can["read_register"]
    context = {
        "record": record,
        "can": can,
        "documents": [(d, permissions.document_actions(d, user)) for d in documents],
        "grant": selectors.live_grant(user=user, record=record) if can["open_files"] else None,
        "my_requests": record.access_requests.filter(requested_by=user).order_by("-pk")[:5],
        "scan_form": forms.get("scan_form") or ScanForm(),
        "shelve_form": forms.get("shelve_form") or ShelveForm(),
        "access_log": record.access_log.select_related("user", "document")[:50]
        if sees_log
        else None,
        "events": record.events.select_related("actor")[:50] if sees_log else None,
        "destruction_record": getattr(record.destruction, "destruction_record", None)
        if record.destruction_id
        else None,
    }
    return render(request, "archives/record_detail.html", context, status=status)


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_card(request, branch_record(request, pk))


@login_required
def record_new(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require(permissions.may_file(user))
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer = (
            Customer.objects.for_branch(user.branch)
            .filter(fund_account=data["fund_account"].strip())
            .first()
        )
        if customer is None:
            form.add_error("fund_account", _("No customer of this branch has this fund account."))
        else:
            try:
                record = services.archive_record_create(
                    actor=user,
                    customer=customer,
                    category=data["category"],
                    medium=data["medium"],
                    title=data["title"],
                    cabinet=data["cabinet"],
                    box=data["box"],
                    relationship_ended_on=data["relationship_ended_on"],
                    client_ip=client_ip(request),
                )
            except ApplicationError as exc:
                refusal(request, exc, form)
            else:
                messages.success(request, _("Draft created: add its scans, then file it."))
                return redirect("archives:record_detail", record.pk)
    return render(
        request, "archives/record_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def record_upload(request: HttpRequest, pk: int) -> HttpResponse:
    record = branch_record(request, pk)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Not stored: check the fields marked below."))
        return render_card(request, record, status=400, scan_form=form)
    try:
        services.archive_document_upload(
            record=record,
            actor=acting_staff(request),
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            client_ip=client_ip(request),
        )
    except ApplicationError as exc:
        refusal(request, exc)
        return render_card(request, record, status=400, scan_form=form)
    messages.success(request, _("Scan stored."))
    return redirect("archives:record_detail", record.pk)


@login_required
@require_POST
def record_file(request: HttpRequest, pk: int) -> HttpResponse:
    record = branch_record(request, pk)
    return attempt(
        request,
        lambda: services.archive_record_file(
            record=record, actor=acting_staff(request), client_ip=client_ip(request)
        ),
        done=_("Filed. The record is read-only from now on."),
        then=redirect("archives:record_detail", record.pk),
    )


@login_required
@require_POST
def record_shelve(request: HttpRequest, pk: int) -> HttpResponse:
    record = branch_record(request, pk)
    form = ShelveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give both the cabinet and the box."))
        return render_card(request, record, status=400, shelve_form=form)
    return attempt(
        request,
        lambda: services.archive_record_shelve(
            record=record,
            actor=acting_staff(request),
            cabinet=form.cleaned_data["cabinet"],
            box=form.cleaned_data["box"],
            client_ip=client_ip(request),
        ),
        done=_("Place recorded."),
        then=redirect("archives:record_detail", record.pk),
    )


@login_required
@require_POST
def record_discard(request: HttpRequest, pk: int) -> HttpResponse:
    record = branch_record(request, pk)
    try:
        services.archive_record_discard(
            record=record, actor=acting_staff(request), client_ip=client_ip(request)
        )
    except ApplicationError as exc:
        refusal(request, exc)
        return redirect("archives:record_detail", record.pk)
    messages.success(request, _("Draft discarded."))
    return redirect("archives:record_list")


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    document = branch_document(request, pk)
    return attempt(
        request,
        lambda: services.archive_document_remove(
            document=document, actor=acting_staff(request), client_ip=client_ip(request)
        ),
        done=_("Scan removed from the draft."),
        then=redirect("archives:record_detail", document.record_id),
    )


# A destroyed record is gone for good (410); any other refusal of a copy: forbidden 403,
# else a conflict with the record's state or grant (409).
_GONE = {ArchiveErrorCode.DESTROYED}


@login_required
def document_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The reader's copy made for the caller's grant: shown in the browser, or downloaded
    with ?download=1; while it is being made, a page that says so."""
    document = branch_document(request, pk)
    download = request.GET.get("download") == "1"
    try:
        copy = services.document_open(
            document=document,
            actor=acting_staff(request),
            download=download,
            client_ip=client_ip(request),
        )
    except NotFound as exc:
        raise Http404 from exc
    except CopyNotReady as exc:
        pending = render(
            request,
            "archives/copy_pending.html",
            {"message": exc.message, "record": document.record, "again": request.get_full_path()},
            status=202,
        )
        pending["Retry-After"] = "10"
        pending["Cache-Control"] = "no-store"
        return pending
    except ApplicationError as exc:
        status = 410 if exc.code in _GONE else 403 if isinstance(exc, Forbidden) else 409
        return render(
            request,
            "archives/refused.html",
            {"message": exc.message, "record": document.record},
            status=status,
        )
    # The stored copy, streamed as it is: nothing is rendered or watermarked on a view.
    response = FileResponse(
        copy.open(),
        content_type=copy.content_type,
        as_attachment=download,
        filename=copy.filename,
    )
    response["Cache-Control"] = "no-store"  # personal data: never left in a shared cache
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def request_scans_lookup(request: HttpRequest) -> HttpResponse:
    number = query_record_number(request, "number")
    if number is None:
        messages.error(request, _("Give the request number."))
        return redirect("archives:index")
    return redirect("archives:request_scans", number)


@login_required
def request_scans(request: HttpRequest, pk: int) -> HttpResponse:
    """Art. 13: the copies kept of a request's identity and authorisation documents, scanned
    at the counter; they are filed with the request after the close."""
    user = acting_staff(request)
    req = get_object_or_404(
        TransferRequest.objects.for_branch(user.branch).select_related("customer"), pk=pk
    )
    require(permissions.may_add_scans(user))
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.archive_scan_upload(
                request=req,
                actor=user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                client_ip=client_ip(request),
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("Scan stored; it is filed with the request."))
            return redirect("archives:request_scans", req.pk)
    records = (
        ArchiveRecord.objects.filter(transfer_request=req)
        .prefetch_related("documents")
        .order_by("-pk")
    )
    return render(
        request,
        "archives/request_scans.html",
        {"req": req, "form": form, "records": records},
        status=400 if form.errors else 200,
    )


@login_required
def access_request_new(request: HttpRequest, pk: int) -> HttpResponse:
    record = branch_record(request, pk)
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_create(
                record=record,
                actor=acting_staff(request),
                client_ip=client_ip(request),
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            refusal(request, exc, form)
        else:
            messages.success(request, _("Asked. The archivist decides; you will be told."))
            return redirect("archives:record_detail", record.pk)
    return render(
        request,
        "archives/access_form.html",
        {"record": record, "form": form},
        status=400 if form.errors else 200,
    )
