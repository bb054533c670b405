"""The head office's console: read-only pages over the stored monthly figures of every
branch (headoffice/models.py), a branch's page, and the requests behind a compliance figure.
Nothing here reads the user's branch: the head office belongs to none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Branch
from kernel.calendar import beijing_today
from kernel.errors import InvalidInput
from kernel.params import month_param
from kernel.request_context import acting_staff
from retention.charts import trend_svg
from retention.jobs import previous_month
from retention.selectors.analysis import add_months
from transfers.models import TransferRequest

from .drilldown import Drill, Scope, figure_get
from .exports import console_csv, console_pdf, console_xlsx
from .models import AlertSign, BranchAlert
from .permissions import reads_alerts, reads_console
from .selectors import console_figures, figures_for
from .tables import compliance_tables, console_tables

# A range longer than this is refused: the console is for months, not decades.
MAX_MONTHS = 36
# Lines of a list per page: a branch's month of requests fits on one.
PAGE_SIZE = 100


def _gate(request: HttpRequest) -> None:
    if not reads_console(acting_staff(request)):
        raise PermissionDenied


def _range(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """?month=YYYY-MM, or ?from=YYYY-MM&to=YYYY-MM; last month when neither is given."""
    month = month_param(request.GET.get("month"), name="month")
    first = month_param(request.GET.get("from"), name="from") or month
    last = month_param(request.GET.get("to"), name="to") or month
    default = previous_month(beijing_today())
    first, last = first or last or default, last or first or default
    if first > last:
        raise InvalidInput(
            _("The first month comes after the last one."), details={"field": "from"}
        )
    if add_months(first, MAX_MONTHS) <= last:
        raise InvalidInput(
            _("Ask for at most {n} months at a time.").format(n=MAX_MONTHS),
            details={"field": "to"},
        )
    return first, last


def _context(f: dict[str, Any], first: dt.date, last: dt.date) -> dict:
    query = _query(first, last)
    return {
        "figures": f,
        "chart": trend_svg(f["trend"]),
        "first": f"{first:%Y-%m}",
        "last": f"{last:%Y-%m}",
        "query": query,
        "previous": f"{add_months(last, -1):%Y-%m}",
        "next": f"{add_months(last, 1):%Y-%m}",
    }


def _query(first: dt.date, last: dt.date) -> str:
    return f"from={first:%Y-%m}&to={last:%Y-%m}"


def _firm_page(
    request: HttpRequest, template: str, tables: Callable[[dict[str, Any], Drill], Any]
) -> HttpResponse:
    """The firm's figures for the asked months, in one of the console's views of them."""
    _gate(request)
    first, last = _range(request)
    f = console_figures(first=first, last=last)
    drill = Drill(_query(first, last))
    return render(request, template, {**_context(f, first, last), "tables": tables(f, drill)})


@login_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    return _firm_page(request, "headoffice/console.html", console_tables)


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    return _firm_page(request, "headoffice/compliance.html", compliance_tables)


@login_required
@require_GET
def branch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _gate(request)
    branch = get_object_or_404(Branch, pk=pk)
    first, last = _range(request)
    f = console_figures(first=first, last=last, branch_id=branch.pk)
    drill = Drill(_query(first, last), branch_id=branch.pk)
    return render(
        request,
        "headoffice/branch.html",
        {
            **_context(f, first, last),
            "branch": branch,
            "tables": console_tables(f, drill)[2:] + compliance_tables(f, drill),
        },
    )


@login_required
@require_GET
def figure_branches(request: HttpRequest, figure: str) -> HttpResponse:
    """A firm figure of the console (?key= its line, for a breakdown) and the branches
    behind it, most first: the stored figures, one query whatever their number."""
    _gate(request)
    spec = figure_get(figure)
    key = spec.clean_key(request.GET)
    first, last = _range(request)
    per_branch: dict[int, dict[str, Any]] = {}
    for row in figures_for(first=first, last=last):
        n = spec.stored(row, key)
        if n:
            entry = per_branch.setdefault(row.branch_id, {"branch": row.branch, "count": 0})
            entry["count"] += n
    branches = sorted(per_branch.values(), key=lambda e: (-e["count"], e["branch"].code))
    return render(
        request,
        "headoffice/figure_branches.html",
        {
            "figure": spec,
            "key": key,
            "key_label": spec.key_label(key),
            "key_query": _key_query(spec.keyed, key),
            "branches": branches,
            "total": sum(e["count"] for e in branches),
            "first": f"{first:%Y-%m}",
            "last": f"{last:%Y-%m}",
            "query": _query(first, last),
        },
    )


def _key_query(keyed: bool, key: str) -> str:
    return f"&{urlencode({'key': key})}" if keyed else ""


@login_required
@require_GET
def branch_figure_requests(request: HttpRequest, pk: int, figure: str) -> HttpResponse:
    """The requests behind one of a branch's figures (?key= its line, for a breakdown),
    read-only, the customers masked: as many lines as the figure counts."""
    _gate(request)
    spec = figure_get(figure)
    key = spec.clean_key(request.GET)
    branch = get_object_or_404(Branch, pk=pk)
    first, last = _range(request)
    rows = spec.rows(
        Scope(branch_id=branch.pk, first=first, last=last, today=beijing_today(), key=key)
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "headoffice/figure_requests.html",
        {
            "branch": branch,
            "figure": spec,
            "key": key,
            "key_label": spec.key_label(key),
            "key_query": _key_query(spec.keyed, key),
            "rows": page.object_list,
            "page": page,
            "total": len(rows),
            "first": f"{first:%Y-%m}",
            "last": f"{last:%Y-%m}",
            "query": _query(first, last),
        },
    )


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """The firm-wide alerts, the latest month first."""
    if not reads_alerts(acting_staff(request)):
        raise PermissionDenied
    rows = BranchAlert.objects.select_related("branch").order_by(
        "-month", "branch__code", "sign", "pk"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "headoffice/alerts.html", {"page": page, "alerts": page.object_list})


@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An alert and the requests behind it, read-only, the customers masked."""
    if not reads_alerts(acting_staff(request)):
        raise PermissionDenied
    alert = get_object_or_404(BranchAlert.objects.select_related("branch"), pk=pk)
    requests = list(
        TransferRequest.objects.filter(pk__in=alert.request_ids)
        .select_related("customer", "customer__branch", "primary_reason")
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "headoffice/alert.html",
        {
            "alert": alert,
            "sign_label": AlertSign(alert.sign).label,
            "requests": requests,
            "query": f"month={alert.month:%Y-%m}",
        },
    )


@login_required
@require_GET
def request_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """A request as the head office reads it: no action, the customer masked."""
    _gate(request)
    req = get_object_or_404(
        TransferRequest.objects.select_related(
            "branch", "customer", "customer__branch", "primary_reason"
        ),
        pk=pk,
    )
    return render(request, "headoffice/request.html", {"req": req})


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export_figures(request: HttpRequest) -> tuple[dict[str, Any], str]:
    _gate(request)
    first, last = _range(request)
    return console_figures(first=first, last=last), f"head-office-{first:%Y-%m}-{last:%Y-%m}"


@login_required
@require_GET
def console_csv_view(request: HttpRequest) -> HttpResponse:
    f, name = _export_figures(request)
    return _download(console_csv(f), "text/csv; charset=utf-8", f"{name}.csv")


@login_required
@require_GET
def console_xlsx_view(request: HttpRequest) -> HttpResponse:
    f, name = _export_figures(request)
    return _download(
        console_xlsx(f),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{name}.xlsx",
    )


@login_required
@require_GET
def console_pdf_view(request: HttpRequest) -> HttpResponse:
    f, name = _export_figures(request)
    return _download(console_pdf(f), "application/pdf", f"{name}.pdf")
