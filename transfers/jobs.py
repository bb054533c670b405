"""The requests' own scheduled jobs (jobs.registry): thin calls to the sweeps, per branch and
business date."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Branch
from jobs.registry import JobContext, JobSkipped, job
from kernel.calendar import beijing_today

from . import services
from .services import notices


def _branch(ctx: JobContext) -> Any:
    assert ctx.branch is not None
    return ctx.branch


@job(
    "transfers.sign_offs_escalate",
    title=gettext_lazy("Overdue sign-offs"),
    figures={
        "overdue": gettext_lazy("Sign-offs overdue"),
        "escalated": gettext_lazy("People told"),
    },
    description=gettext_lazy(
        "Tell the marketing director and general manager of overdue written sign-offs (Art. 17)"
    ),
)
def sign_offs(ctx: JobContext) -> dict[str, int]:
    return services.sign_offs_escalate(branch=_branch(ctx), business_date=ctx.business_date)


@job(
    "transfers.late_requests_flag",
    title=gettext_lazy("Late requests"),
    figures={"late": gettext_lazy("Late requests"), "flagged": gettext_lazy("People told")},
    description=gettext_lazy("Flag requests past the customer's two trading days to the GM"),
)
def late_requests(ctx: JobContext) -> dict[str, int]:
    return services.late_requests_flag(branch=_branch(ctx), business_date=ctx.business_date)


@job(
    "transfers.closure_sweep",
    title=gettext_lazy("Accounts ready to close"),
    figures={
        "ready": gettext_lazy("Ready to close"),
        "new": gettext_lazy("Ready since today"),
        "closure_waiting": gettext_lazy("Closures waiting"),
        "closure_ready": gettext_lazy("Waiting closures now allowed"),
        "told": gettext_lazy("People told"),
    },
    description=gettext_lazy(
        "Find fund accounts ready to close, and waiting closures now allowed, for the counter "
        "lead (Art. 19)"
    ),
)
def closure_sweep(ctx: JobContext) -> dict[str, int]:
    return services.closure_sweep(
        branch=_branch(ctx), business_date=ctx.business_date, progress=ctx.progress
    )


@job(
    "transfers.customer_waiting_check",
    title=gettext_lazy("Customers waiting at the counter"),
    figures={
        "awaiting": gettext_lazy("Awaiting approvals today"),
        "waiting_too_long": gettext_lazy("Waiting too long"),
        "told": gettext_lazy("People told"),
    },
    description=gettext_lazy(
        "Tell the marketing director of a customer waiting too long at the counter for approvals"
    ),
    per_branch=False,
)
def customer_waiting_check(ctx: JobContext) -> dict[str, int]:
    """Every few minutes while the counter is open: one run for the installation (not one
    per branch, so the jobs page is not flooded), each branch against its own setting. It is
    about customers standing at the counter now, so it checks only the present."""
    now = timezone.now()
    if ctx.business_date != beijing_today():
        raise JobSkipped(_("This check is about customers waiting now; it only runs for today."))
    counts: Counter[str] = Counter()
    for branch in Branch.objects.order_by("code"):
        counts.update(notices.customer_waiting_alert(branch=branch, now=now))
    return dict(counts)
