"""The daily sweeps that put revisits in front of people: each owner's in the morning, what
is late to the marketing director.

Every message goes through notify_once: one per person (and item) per business date,
however often the job runs."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Branch, Staff
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from jobs.registry import notify_once
from kernel.calendar import CalendarUnknown, TradingCalendar

from ..models import RevisitTask, TaskStatus

LIST_LIMIT = 20


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
            link=reverse("revisit_list"),
            email=True,
        )
    orphans = by_owner.get(None, [])
    if orphans:
        # Nobody's list shows them: whoever assigns the work must.
        counts["unowned"] = len(orphans)
        counts["reminded"] += notify_once(
            kind="revisits.unowned",
            recipients=staff_with_roles(branch, Role.MARKETING_DIRECTOR),
            business_date=business_date,
            subject=ngettext(
                "{n} revisit due has no owner", "{n} revisits due have no owner", len(orphans)
            ).format(n=len(orphans)),
            body=_lines(orphans, business_date),
            link=reverse("revisit_late"),
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
        recipients=staff_with_roles(branch, Role.MARKETING_DIRECTOR),
        business_date=business_date,
        subject=ngettext("{n} revisit is late", "{n} revisits are late", len(late)).format(
            n=len(late)
        ),
        body=_lines(late, business_date)
        + "\n\n"
        + _("Owners: {owners}").format(owners="、".join(owners)),
        link=reverse("revisit_late"),
    )
    return counts
