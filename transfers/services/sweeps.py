"""The daily sweeps of the requests' own deadlines: overdue written sign-offs (Art. 17) and
requests past the customer's two trading days to management, and the fund accounts ready to
close (Art. 19) to the counter lead.

Every message goes through notify_once: one per person (and item) per business date,
however often the job runs."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Branch, Customer
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from core_system.adapters import get_core_system
from jobs.registry import notify_once

from ..closure import closure_conditions_unmet
from ..models import ClosureCandidate, TransferRequest, TransferState
from ..selectors import closure_excluded_customer_ids, late_requests, overdue_sign_offs
from .processing import closure_clock_start

LIST_LIMIT = 20


@transaction.atomic
def sign_offs_escalate(*, branch: Branch, business_date: dt.date) -> Counter[str]:
    """Art. 17: a phone approval's written sign-off is due after the close or the next day;
    one still missing goes to the marketing director and the general manager, each day."""
    counts: Counter[str] = Counter()
    bosses = staff_with_roles(branch, Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER)
    for approval in overdue_sign_offs(branch_id=branch.pk, today=business_date):
        counts["overdue"] += 1
        counts["escalated"] += notify_once(
            kind="transfers.sign_off_overdue",
            ref=f"approval:{approval.pk}",
            recipients=bosses,
            business_date=business_date,
            subject=_("Written sign-off overdue: request #{pk}").format(pk=approval.request_id),
            body=_("{approver} approved by phone ({step}); the sign-off was due {due}.").format(
                approver=approval.approver,
                step=approval.get_step_display(),
                due=approval.sign_off_due_on,
            ),
            link=reverse("request_detail", args=[approval.request_id]),
        )
    return counts


@transaction.atomic
def late_requests_flag(*, branch: Branch, business_date: dt.date) -> Counter[str]:
    """A request running past the customer's two trading days goes to the general manager,
    once per request per day."""
    counts: Counter[str] = Counter()
    managers = staff_with_roles(branch, Role.GENERAL_MANAGER)
    for req in late_requests(branch_id=branch.pk, today=business_date):
        counts["late"] += 1
        counts["flagged"] += notify_once(
            kind="transfers.late_request",
            ref=f"request:{req.pk}",
            recipients=managers,
            business_date=business_date,
            subject=_("Request #{pk} is late").format(pk=req.pk),
            body=_("{customer}: due {due}, now “{state}”.").format(
                customer=req.customer, due=req.clock_due_on, state=req.get_state_display()
            ),
            link=reverse("request_detail", args=[req.pk]),
        )
    return counts


def ready_to_close(*, branch: Branch) -> list[Customer]:
    """Art. 19: fund accounts where the Shanghai designation is revoked, the Shenzhen
    holdings transferred, interest settled and the cash withdrawn, every agreement fulfilled,
    and no request open — the branch should close them."""
    candidates = (
        Customer.objects.for_branch(branch)
        .filter(sh_designated_here=False)
        .exclude(pk__in=closure_excluded_customer_ids(branch_id=branch.pk))
        .select_related("branch", "account_manager")
        .order_by("fund_account")
    )
    core = get_core_system()
    return [
        customer
        for customer in candidates
        if not core.closure_conditions_missing(customer, revoking_sh=False, transferring_sz=False)
    ]


@transaction.atomic
def closure_sweep(
    *,
    branch: Branch,
    business_date: dt.date,
    progress=None,  # type: ignore[no-untyped-def]
) -> Counter[str]:
    counts: Counter[str] = Counter()
    ready = ready_to_close(branch=branch)
    for customer in ready:
        _row, created = ClosureCandidate.objects.get_or_create(
            customer=customer, business_date=business_date, defaults={"branch": branch}
        )
        counts["ready"] += 1
        counts["new"] += int(created)
    counts.update(pending_closures_check(branch=branch, business_date=business_date))
    if progress:
        progress(1, 1)
    if ready:
        counts["told"] = notify_once(
            kind="transfers.closure_ready",
            recipients=staff_with_roles(branch, Role.COUNTER_LEAD),
            business_date=business_date,
            subject=ngettext(
                "{n} fund account is ready to close (Art. 19)",
                "{n} fund accounts are ready to close (Art. 19)",
                len(ready),
            ).format(n=len(ready)),
            body="\n".join(f"- {c.fund_account} {c.masked_name}" for c in ready[:LIST_LIMIT]),
            link=reverse("revisit_closures"),
        )
    return counts


def pending_closures_check(*, branch: Branch, business_date: dt.date) -> Counter[str]:
    """Art. 19 for requests whose closure waits: the day the core system first shows every
    condition met starts the closure's two trading days (CSRC Order 204), and the counter
    lead is told to close the account — the customer need not come back."""
    counts: Counter[str] = Counter()
    leads = staff_with_roles(branch, Role.COUNTER_LEAD)
    waiting = (
        TransferRequest.objects.filter(branch=branch, state=TransferState.CLOSURE_PENDING)
        .select_related("customer", "customer__branch")
        .order_by("pk")
    )
    for req in waiting:
        counts["closure_waiting"] += 1
        if closure_conditions_unmet(req):
            continue
        counts["closure_ready"] += 1
        if req.closure_ready_on is None:
            closure_clock_start(req, on=business_date)
            req.save(update_fields=["closure_ready_on", "closure_due_on"])
        notify_once(
            kind="transfers.closure_ready",
            ref=f"request:{req.pk}",
            recipients=leads,
            business_date=business_date,
            subject=_("Request #{pk}: the fund account can be closed, by {due}").format(
                pk=req.pk, due=req.closure_due_on
            ),
            body=_("{customer}: the core system shows every closure condition met.").format(
                customer=req.customer
            ),
            link=reverse("request_detail", args=[req.pk]),
        )
    return counts
