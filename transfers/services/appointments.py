"""Appointments (Art. 18)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Customer, Staff
from kernel.calendar import beijing_today
from kernel.errors import Conflict, Forbidden, InvalidInput, require_same_branch

from .. import permissions
from ..errors import TransferErrorCode
from ..models import Appointment


@transaction.atomic
def appointment_book(
    *, customer: Customer, host: Staff, actor: Staff, findings: str = ""
) -> Appointment:
    require_same_branch(customer.branch_id, actor)
    require_same_branch(host.branch_id, actor)
    if not permissions.may_book_appointment(actor):
        raise Forbidden(
            _(
                "Appointments are booked by counter staff, the marketing director or the general "
                "manager."
            ),
        )
    if not permissions.hosts_appointments(host):
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
    if not permissions.hosts_appointments(actor):
        raise Forbidden(_("Only the director or general manager records this."))
    appointment.findings = findings.strip()
    appointment.save(update_fields=["findings"])
    return appointment
