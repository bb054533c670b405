"""Appointments (Art. 18)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Customer, Staff
from accounts.roles import COUNTER_ROLES, Role
from kernel.calendar import beijing_today
from kernel.errors import Conflict, Forbidden, InvalidInput, require_same_branch

from ..errors import TransferErrorCode
from ..models import Appointment

BOOKERS = (*COUNTER_ROLES, Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER)


@transaction.atomic
def appointment_book(
    *, customer: Customer, host: Staff, actor: Staff, findings: str = ""
) -> Appointment:
    require_same_branch(customer.branch_id, actor)
    require_same_branch(host.branch_id, actor)
    # The customer calls the director or general manager, or the counter takes the booking.
    if not actor.has_role(*BOOKERS):
        raise Forbidden(
            _(
                "Appointments are booked by counter staff, the marketing director or the general "
                "manager."
            ),
        )
    if not host.has_role(Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER):
        raise InvalidInput(
            _("Appointments are with the marketing director or the general manager."),
        )
    if Appointment.objects.filter(customer=customer, transfer_request__isnull=True).exists():
        raise Conflict(
            _("This customer already has an open appointment."), code=TransferErrorCode.DUPLICATE
        )
    return Appointment.objects.create(
        branch_id=customer.branch_id,
        customer=customer,
        host=host,
        booked_on=beijing_today(),
        booked_by=actor,
        findings=findings.strip(),
    )


@transaction.atomic
def appointment_record_findings(
    *, appointment: Appointment, actor: Staff, findings: str
) -> Appointment:
    """What the director or general manager learned of the reason, and what they tried."""
    require_same_branch(appointment.branch_id, actor)
    if not actor.has_role(Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER):
        raise Forbidden(_("Only the director or general manager records this."))
    appointment.findings = findings.strip()
    appointment.save(update_fields=["findings"])
    return appointment
