"""The daily sweeps that put work in front of people: each owner's revisits in the morning,
what is late to the marketing director, overdue written sign-offs and late requests to
management, and the fund accounts ready to close (Art. 19) to the counter lead.

Every message goes through notify_once: one per person (and item) per business date,
however often the job runs."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Branch, Customer, Staff
from accounts.roles import Role
from core_system.adapters import get_core_system
from jobs.registry import notify_once
from kernel.calendar import CalendarUnknown, TradingCalendar
from transfers.selectors import late_requests, overdue_sign_offs

from ..models import ClosureCandidate, RevisitTask, TaskStatus
from ..selectors import closure_excluded_customer_ids

LIST_LIMIT = 20


def _people(branch: Branch, *roles: str) -> list[Staff]:
    return list(
        Staff.objects.filter(branch=branch, is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("pk")
    )


def _lines(tasks: list[RevisitTask], today: dt.date) -> str:
    lines = []
    for task in tasks[:LIST_LIMIT]:
        late = _(" (late)") if task.due_on < today else ""
        lines.append(
            f"- {task.due_on.isoformat()}{late} {task.customer.masked_name} "
            f"{task.customer.fund_account} · {task.get_reason_display()}"
        )
    if len(tasks) > LIST_LIMIT:
        lines.append(_("… and {n} more").format(n=len(tasks) - LIST_LIMIT))
    return "\n".join(lines)


@transaction.atomic
def revisit_reminders_send(
    *, branch: Branch, business_date: dt.date, calendar: TradingCalendar
) -> Counter[str]:
    """Each trading morning, every owner with revisits due today or late gets one message
    (inbox and e-mail) with the list and how many come up on the next trading day."""
    counts: Counter[str] = Counter()
    due = (
        RevisitTask.objects.for_branch(branch.pk)
        .filter(status=TaskStatus.OPEN, due_on__lte=business_date)
        .select_related("customer", "customer__branch", "owner")
        .order_by("due_on", "pk")
    )
    by_owner: dict[Staff | None, list[RevisitTask]] = defaultdict(list)
    for task in due:
        by_owner[task.owner if task.owner and task.owner.is_active else None].append(task)
    try:
        tomorrow: dt.date | None = calendar.next_trading_day(business_date)
    except CalendarUnknown:
        tomorrow = None
    for owner, tasks in by_owner.items():
        if owner is None:
            continue
        late = sum(1 for t in tasks if t.due_on < business_date)
        coming = (
            RevisitTask.objects.filter(owner=owner, status=TaskStatus.OPEN, due_on=tomorrow).count()
            if tomorrow
            else 0
        )
        subject = ngettext("{n} revisit due today", "{n} revisits due today", len(tasks)).format(
            n=len(tasks)
        )
        if late:
            subject += _(", {late} of them late").format(late=late)
        body = _lines(tasks, business_date)
        if tomorrow:
            body += "\n\n" + _("Next trading day ({date}): {n} more.").format(
                date=tomorrow.isoformat(), n=coming
            )
        counts["reminded"] += notify_once(
            kind="revisits.reminder",
            recipients=[owner],
            business_date=business_date,
            subject=subject,
            body=body,
            link="/revisits/",
            email=True,
        )
    orphans = by_owner.get(None, [])
    if orphans:
        # Nobody's list shows them: whoever assigns the work must.
        counts["unowned"] = len(orphans)
        counts["reminded"] += notify_once(
            kind="revisits.unowned",
            recipients=_people(branch, Role.MARKETING_DIRECTOR),
            business_date=business_date,
            subject=ngettext(
                "{n} revisit due has no owner", "{n} revisits due have no owner", len(orphans)
            ).format(n=len(orphans)),
            body=_lines(orphans, business_date),
            link="/revisits/late/",
        )
    return counts


@transaction.atomic
def revisits_escalate_late(*, branch: Branch, business_date: dt.date) -> Counter[str]:
    """Revisits past their due date go to the marketing director, once a day."""
    counts: Counter[str] = Counter()
    late = list(
        RevisitTask.objects.for_branch(branch.pk)
        .late(business_date)
        .select_related("customer", "customer__branch", "owner")
        .order_by("due_on", "pk")
    )
    counts["late"] = len(late)
    if not late:
        return counts
    owners = sorted({str(t.owner or _("no owner")) for t in late})
    counts["escalated"] = notify_once(
        kind="revisits.late",
        recipients=_people(branch, Role.MARKETING_DIRECTOR),
        business_date=business_date,
        subject=ngettext("{n} revisit is late", "{n} revisits are late", len(late)).format(
            n=len(late)
        ),
        body=_lines(late, business_date)
        + "\n\n"
        + _("Owners: {owners}").format(owners="、".join(owners)),
        link="/revisits/late/",
    )
    return counts


@transaction.atomic
def sign_offs_escalate(*, branch: Branch, business_date: dt.date) -> Counter[str]:
    """Art. 17: a phone approval's written sign-off is due after the close or the next day;
    one still missing goes to the marketing director and the general manager, each day."""
    counts: Counter[str] = Counter()
    bosses = _people(branch, Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER)
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
            link=f"/requests/{approval.request_id}/",
        )
    return counts


@transaction.atomic
def late_requests_flag(*, branch: Branch, business_date: dt.date) -> Counter[str]:
    """A request running past the customer's two trading days goes to the general manager,
    once per request per day."""
    counts: Counter[str] = Counter()
    managers = _people(branch, Role.GENERAL_MANAGER)
    for req in late_requests(branch_id=branch.pk, today=business_date):
        counts["late"] += 1
        counts["flagged"] += notify_once(
            kind="transfers.late_request",
            ref=f"request:{req.pk}",
            recipients=managers,
            business_date=business_date,
            subject=_("Request #{pk} is late").format(pk=req.pk),
            body=_("{customer}: due {due}, now “{state}”.").format(
                customer=req.customer, due=req.due_on, state=req.get_state_display()
            ),
            link=f"/requests/{req.pk}/",
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
    if progress:
        progress(1, 1)
    if ready:
        counts["told"] = notify_once(
            kind="transfers.closure_ready",
            recipients=_people(branch, Role.COUNTER_LEAD),
            business_date=business_date,
            subject=ngettext(
                "{n} fund account is ready to close (Art. 19)",
                "{n} fund accounts are ready to close (Art. 19)",
                len(ready),
            ).format(n=len(ready)),
            body="\n".join(f"- {c.fund_account} {c.masked_name}" for c in ready[:LIST_LIMIT]),
            link="/revisits/closures/",
        )
    return counts
