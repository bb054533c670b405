"""The requests' own scheduled jobs (jobs.registry): thin calls to the sweeps, per branch and
business date."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from jobs.registry import JobContext, job

from . import services


def _branch(ctx: JobContext) -> Any:
    assert ctx.branch is not None
    return ctx.branch


@job(
    "transfers.sign_offs_escalate",
    description=gettext_lazy(
        "Tell the marketing director and general manager of overdue written sign-offs (Art. 17)"
    ),
)
def sign_offs(ctx: JobContext) -> dict[str, int]:
    return services.sign_offs_escalate(branch=_branch(ctx), business_date=ctx.business_date)


@job(
    "transfers.late_requests_flag",
    description=gettext_lazy("Flag requests past the customer's two trading days to the GM"),
)
def late_requests(ctx: JobContext) -> dict[str, int]:
    return services.late_requests_flag(branch=_branch(ctx), business_date=ctx.business_date)


@job(
    "transfers.closure_sweep",
    description=gettext_lazy(
        "Find fund accounts ready to close, and waiting closures now allowed, for the counter "
        "lead (Art. 19)"
    ),
)
def closure_sweep(ctx: JobContext) -> dict[str, int]:
    return services.closure_sweep(
        branch=_branch(ctx), business_date=ctx.business_date, progress=ctx.progress
    )
