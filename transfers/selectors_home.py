"""What the marketing director's and general manager's home shows: the appointments they host
today and on the next trading day (Art. 18), the branch's requests that are blocked (Art. 16)
or running late, and the written sign-offs due (Art. 17). Each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import Staff
from kernel.calendar import TradingCalendar

from .models import RUNNING_STATES, Appointment, Approval, ApprovalMode, S, TransferRequest


@dataclass(frozen=True)
class HostedAppointments:
    today: list[Appointment]  # the customer may come today (booked a trading day or more ago)
    next_day: list[Appointment]  # booked today: the customer comes from the next trading day
    next_trading_day: dt.date


def appointments_hosted(
    *, host: Staff, today: dt.date, calendar: TradingCalendar
) -> HostedAppointments:
    """Art. 18: an institution or core customer books at least one trading day before; the
    host uses that day to learn the reason. An appointment not yet used by a request, booked
    since the previous trading day, is the host's today (booked before today) or on the next
    trading day (booked today). Older unused ones are no longer "today's"."""
    since = calendar.previous_trading_day(today)
    rows = list(
        Appointment.objects.filter(
            host=host, branch_id=host.branch_pk, transfer_request__isnull=True, booked_on__gte=since
        )
        .select_related("customer", "customer__branch")
        .order_by("booked_on", "pk")
    )
    return HostedAppointments(
        today=[a for a in rows if a.booked_on < today],
        next_day=[a for a in rows if a.booked_on >= today],
        next_trading_day=calendar.next_trading_day(today),
    )


def blocked_or_late(*, branch_id: int, today: dt.date) -> QuerySet[TransferRequest]:
    """Requests a blocking condition holds (Art. 16) and requests past the customer's two
    trading days, oldest deadline first."""
    return (
        TransferRequest.objects.filter(branch_id=branch_id)
        .filter(Q(state=S.BLOCKED) | Q(state__in=RUNNING_STATES, due_on__lt=today))
        .select_related("customer", "customer__branch")
        .order_by("due_on", "pk")
    )


def sign_offs_due(*, branch_id: int, today: dt.date) -> QuerySet[Approval]:
    """Art. 17: phone approvals whose written sign-off is due today or already overdue."""
    return (
        Approval.objects.filter(
            request__branch_id=branch_id,
            mode=ApprovalMode.PHONE,
            signed_off_at__isnull=True,
            dispute__isnull=True,  # a disputed approval is never signed off
            sign_off_due_on__lte=today,
        )
        .select_related("request", "request__customer", "request__customer__branch", "approver")
        .order_by("sign_off_due_on", "pk")
    )
