"""The monthly analysis for the branch's monthly meeting (Art. 7)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch, Staff
from kernel.errors import require_same_branch

from .. import permissions
from ..models import MonthlyReport
from ._common import require


@transaction.atomic
def monthly_report_prepare(
    *, branch: Branch, month: dt.date, actor: Staff | None = None
) -> MonthlyReport:
    """Compute and keep one month's figures. Safe to run twice: the (branch, month) row is
    replaced with the figures as they stand (the scheduler runs it on the first trading day
    of the next month, as nobody; by hand it is the branch's directors')."""
    from ..selectors.analysis import monthly_figures

    if actor is not None:
        require_same_branch(branch.pk, actor)
        require(
            permissions.may_prepare_report(actor),
            _("Only the marketing director or general manager does this."),
        )

    first = month.replace(day=1)
    figures = monthly_figures(branch=branch, month=first)
    report, _created = MonthlyReport.objects.update_or_create(
        branch=branch,
        month=first,
        defaults={"figures": figures, "prepared_at": timezone.now()},
    )
    return report
