"""The monthly analysis page (Art. 7) and its CSV, XLSX and PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.params import month_param
from kernel.request_context import acting_staff
from kernel.web import refusal

from .. import permissions
from ..charts import trend_svg
from ..exports import analysis_csv, analysis_xlsx
from ..models import MonthlyReport
from ..pdf import analysis_pdf
from ..selectors import monthly_figures
from ..selectors.analysis import add_months
from ..services import monthly_report_prepare
from ..tables import figure_tables
from ._common import require_reader


def _month(request: HttpRequest) -> dt.date:
    asked = request.GET.get("month") or request.POST.get("month")
    return month_param(asked, name="month") or beijing_today().replace(day=1)


def _figures(request: HttpRequest) -> dict[str, Any]:
    user = acting_staff(request)
    require_reader(user)
    return monthly_figures(branch=user.branch, month=_month(request))


@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    figures = _figures(request)
    month = _month(request)
    user = acting_staff(request)
    return render(
        request,
        "retention/analysis.html",
        {
            "figures": figures,
            "tables": figure_tables(figures),
            "chart": trend_svg(figures["trend"]),
            "month": month,
            "previous_month": f"{add_months(month, -1):%Y-%m}",
            "next_month": f"{add_months(month, 1):%Y-%m}",
            "report": MonthlyReport.objects.filter(branch_id=user.branch_id, month=month).first(),
            "may_prepare": permissions.may_prepare_report(user),
        },
    )


def _download(
    content: bytes, content_type: str, filename: str, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@login_required
def analysis_csv_view(request: HttpRequest) -> HttpResponse:
    figures = _figures(request)
    return _download(
        analysis_csv(figures), "text/csv; charset=utf-8", f"churn-{figures['month']}.csv"
    )


@login_required
def analysis_xlsx_view(request: HttpRequest) -> HttpResponse:
    figures = _figures(request)
    return _download(
        analysis_xlsx(figures),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"churn-{figures['month']}.xlsx",
    )


@login_required
def analysis_pdf_view(request: HttpRequest) -> HttpResponse:
    figures = _figures(request)
    return _download(
        analysis_pdf(figures), "application/pdf", f"churn-{figures['month']}.pdf", inline=True
    )


@login_required
@require_POST
def analysis_prepare(request: HttpRequest) -> HttpResponse:
    """Keep the month's figures as the meeting's report (the scheduler does it on the first
    trading day of each month; a director may do it again by hand)."""
    user = acting_staff(request)
    require_reader(user)
    month = _month(request)
    try:
        monthly_report_prepare(branch=user.branch, month=month, actor=user)
    except ApplicationError as error:
        refusal(request, error)
    else:
        messages.success(request, _("The month's report is kept with today's figures."))
    return redirect(reverse("retention_analysis") + f"?month={month:%Y-%m}")
