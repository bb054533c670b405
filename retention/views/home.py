"""The retention desk: what is waiting for the user today."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kernel.calendar import beijing_today
from kernel.request_context import acting_staff

from .. import permissions
from ..models import CommissionAgreement, CommissionStatus, MemoOutcome, WorkMemo
from ..selectors import at_risk_for, commitments_for_owner, contact_tasks_for, overdue_commitments
from ._common import require_reader


@login_required
def retention_home(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require_reader(user)
    today = beijing_today()
    is_manager = permissions.sees_overdue_commitments(user)
    context = {
        "today": today,
        "at_risk": at_risk_for(branch=user.branch, user=user),
        "my_commitments": commitments_for_owner(owner=user)[:20],
        "my_tasks": contact_tasks_for(user=user)[:20],
        "my_memos": WorkMemo.objects.filter(
            branch_id=user.branch_id,
            customer__account_manager=user,
            outcome=MemoOutcome.DEFERRED,
        ).select_related("customer", "customer__branch")[:20],
        "overdue": overdue_commitments(branch_id=user.branch_id, today=today)
        if is_manager
        else None,
        "pending_rates": CommissionAgreement.objects.filter(
            branch_id=user.branch_id, status=CommissionStatus.PENDING
        ).count()
        if permissions.decides_commission(user)
        else None,
        "is_manager": is_manager,
    }
    return render(request, "retention/home.html", context)
