"""The monthly analysis for the branch's monthly meeting (Art. 7)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Branch

from ..models import MonthlyReport


@transaction.atomic
def monthly_report_prepare(*, branch: Branch, month: dt.date) -> MonthlyReport:
    """Compute and keep one month's figures. Safe to run twice: the (branch, month) row is
    replaced with the figures as they stand (the scheduler runs it on the first trading day
    of the next month)."""
    from ..selectors.analysis import monthly_figures

    first = month.replace(day=1)
    figures = monthly_figures(branch=branch, month=first)
    report, _created = MonthlyReport.objects.update_or_create(
        branch=branch,
        month=first,
        defaults={"figures": figures, "prepared_at": timezone.now()},
    )
    return report
