"""The customer master's page, for the branch's general manager (core_system/permissions.py):
upload an export, read its preview, apply it in the background and watch it end."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Staff
from core_system.customer_master import max_bytes
from core_system.models import CustomerImport, ImportState
from core_system.permissions import may_import_customers, may_read_imports
from core_system.staging import customer_import_upload
from core_system.tasks import customer_import_queue
from kernel.errors import ApplicationError
from kernel.web import refusal

# The page lists this many of each kind; the counts above the tables are always complete.
SHOWN = 200
ENCODINGS = [
    ("", gettext_lazy("Detect (UTF-8 or GB18030)")),
    ("utf-8", "UTF-8"),
    ("gb18030", "GB18030"),
]
SUFFIXES = (".csv", ".txt", ".xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Export file"))
    full = forms.TypedChoiceField(
        label=gettext_lazy("Kind of export"),
        choices=[
            ("0", gettext_lazy("Delta (only the customers it lists)")),
            ("1", gettext_lazy("Full (every customer of the branch)")),
        ],
        coerce=lambda value: value == "1",
        initial="0",
    )
    encoding = forms.ChoiceField(label=gettext_lazy("Encoding"), choices=ENCODINGS, required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(SUFFIXES):
            raise forms.ValidationError(
                _("Upload the export as CSV or XLSX (a .csv, .txt or .xlsx file).")
            )
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is larger than {mb} MB, more than a branch's master.").format(
                    mb=max_bytes() // (1024 * 1024)
                )
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


def _reader(request: HttpRequest) -> Staff:
    user: Staff = request.user  # type: ignore[assignment]
    if not may_read_imports(user):
        raise PermissionDenied
    return user


def _imports(user: Staff) -> Any:
    return CustomerImport.objects.filter(branch_id=user.branch_pk)


def _render_home(
    request: HttpRequest, user: Staff, form: UploadForm | None = None, status: int = 200
) -> HttpResponse:
    can_import = may_import_customers(user)
    return render(
        request,
        "core_system/import_home.html",
        {
            "form": (form or UploadForm()) if can_import else None,
            "imports": _imports(user).select_related("created_by", "applied_by")[:50],
        },
        status=status,
    )


@login_required
def customer_import_home(request: HttpRequest) -> HttpResponse:
    return _render_home(request, _reader(request))


@login_required
@require_POST
def customer_import_preview(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    if not may_import_customers(user):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = customer_import_upload(
                branch=user.own_branch,
                actor=user,
                data=upload.read(),
                filename=upload.name or "",
                full=form.cleaned_data["full"],
                encoding=form.cleaned_data["encoding"] or None,
            )
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            return redirect("customer_import_detail", pk=preview.pk)
    return _render_home(request, user, form=form, status=400)


def _shown(report: dict[str, Any], key: str) -> dict[str, Any]:
    items = report.get(key) or []
    total = (report.get("counts") or {}).get(key, len(items))
    return {"items": items[:SHOWN], "total": total, "capped": total > min(len(items), SHOWN)}


def _progress(record: CustomerImport) -> dict[str, Any] | None:
    """A worker's progress, from the result backend while the apply runs."""
    if record.state != ImportState.PREVIEWED or not record.task_id:
        return None
    from django.conf import settings

    if not getattr(settings, "CELERY_RESULT_BACKEND", None):
        return {"done": None, "total": None, "percent": None}
    from celery.result import AsyncResult

    try:
        result: AsyncResult = AsyncResult(record.task_id)  # type: ignore[type-arg]
        info = result.info if result.state == "PROGRESS" else None
    except Exception:
        info = None
    done = info.get("done") if isinstance(info, dict) else None
    total = info.get("total") if isinstance(info, dict) else None
    percent = round(100 * done / total) if done is not None and total else None
    return {"done": done, "total": total, "percent": percent}


@login_required
def customer_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    record = get_object_or_404(_imports(user).select_related("created_by", "applied_by"), pk=pk)
    report = record.report or {}
    return render(
        request,
        "core_system/import_detail.html",
        {
            "record": record,
            "report": report,
            "new": _shown(report, "new"),
            "changed": _shown(report, "changed"),
            "absent": _shown(report, "absent"),
            "departed": _shown(report, "departed_manager"),
            "bad": _shown(report, "bad"),
            "progress": _progress(record),
            "can": {
                "apply": may_import_customers(user)
                and record.applicable
                and bool(record.staged_name)
                and not record.task_id
            },
        },
    )


@login_required
@require_POST
def customer_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    record = get_object_or_404(_imports(user), pk=pk)
    try:
        customer_import_queue(preview=record, actor=user)
    except ApplicationError as error:
        refusal(request, error)
    else:
        messages.info(request, _("The file is being applied."))
    return redirect("customer_import_detail", pk=record.pk)


@login_required
def customer_import_status(request: HttpRequest, pk: int) -> JsonResponse:
    user = _reader(request)
    record = get_object_or_404(_imports(user), pk=pk)
    return JsonResponse(
        {
            "id": record.pk,
            "state": record.state,
            "running": bool(record.task_id) and record.state == ImportState.PREVIEWED,
            "progress": _progress(record),
            "counts": {
                key: getattr(record, key)
                for key in ("rows", "new", "changed", "unchanged", "absent", "bad")
            },
        }
    )
