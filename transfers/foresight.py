"""The counter sees first: what would stop or delay a transfer or close request today, said
before anything is received, so that a customer does not wait through the approvals to hear
it at the end.

Every answer comes from the function the services themselves call later — the blocking
conditions the last approval and the start of processing check (Art. 16), the appointment
the request is received with (Art. 18), the closure conditions reception and completion
check (Art. 19), the account manager the route needs (Art. 9) — so the outlook and the
services cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Customer
from core_system.adapters import Condition
from kernel.calendar import CalendarUnknown, TradingCalendar

from .closure import NEEDS_ITS_OWN_PART, closure_conditions_for
from .errors import TransferErrorCode
from .models import Appointment
from .services.approvals import blocking_conditions_for
from .services.requests import account_manager_missing, appointment_needed, appointment_standing


class Severity(models.TextChoices):
    STOPS = "stops", gettext_lazy("will stop")
    DELAYS = "delays", gettext_lazy("will delay")
    NOTE = "note", gettext_lazy("note")


# The badge each severity wears on the pages (app.css: .badge.bad, .badge.warn).
_TONE = {Severity.STOPS: "bad", Severity.DELAYS: "warn", Severity.NOTE: ""}
_RANK = {Severity.STOPS: 0, Severity.DELAYS: 1, Severity.NOTE: 2}


@dataclass(frozen=True)
class Finding:
    """One thing the counter should tell the customer now, with the article it comes from."""

    code: str
    severity: Severity
    article: int
    message: str

    @property
    def tone(self) -> str:
        return _TONE[self.severity]


@dataclass(frozen=True)
class Outlook:
    findings: tuple[Finding, ...]
    # Art. 18: whether this customer books ahead, the open booking if there is one, and the
    # first trading day the request can be taken when that is not today.
    appointment_needed: bool
    appointment: Appointment | None
    earliest: dt.date | None

    @property
    def clear(self) -> bool:
        """Nothing would stop or delay the request (notes may remain)."""
        return all(f.severity == Severity.NOTE for f in self.findings)

    @property
    def may_book(self) -> bool:
        """Booking now would help: one is needed and none is open."""
        return self.appointment_needed and self.appointment is None

    def codes(self, severity: Severity | None = None) -> list[str]:
        return [f.code for f in self.findings if severity is None or f.severity == severity]


def request_outlook(
    *,
    customer: Customer,
    on: dt.date,
    wants_closure: bool | None = None,
    revoking_sh: bool | None = None,
    transferring_sz: bool | None = None,
    calendar: TradingCalendar | None = None,
) -> Outlook:
    """What would stop or delay a request of this customer received on `on`.

    It informs and never refuses: the customer's right to transfer or close is not refused
    or restricted because of anything listed here (CSRC Order 204, and the CSRC's notice
    against forced retention). The blocking conditions stop processing, not the application
    (Art. 16), so the counter receives the request whatever they are; an appointment moves
    only the day it can be taken (Art. 18).

    `None` means not chosen yet (the customer page, an empty form): a closure's conditions
    are then notes, and the Shanghai revocation or Shenzhen transfer the same request could
    include are named as such rather than as obstacles.
    """
    findings: list[Finding] = [
        Finding(c.code, Severity.STOPS, 16, c.message)
        for c in blocking_conditions_for(customer=customer, on=on)
    ]
    needed = appointment_needed(customer)
    appointment = None
    earliest = None
    if needed:
        try:
            standing = appointment_standing(
                customer=customer, today=on, calendar=calendar or TradingCalendar()
            )
        except CalendarUnknown as exc:
            findings.append(Finding(exc.code, Severity.DELAYS, 18, exc.message))
        else:
            appointment = standing.appointment
            if not standing.usable:
                earliest = standing.earliest
                findings.append(
                    Finding(
                        TransferErrorCode.APPOINTMENT_REQUIRED,
                        Severity.DELAYS,
                        18,
                        standing.refusal,
                    )
                )
    manager = account_manager_missing(customer)
    if manager is not None:
        findings.append(Finding(manager.code, Severity.STOPS, 9, manager.message))
    if wants_closure is not False:
        findings += _closure_findings(
            customer,
            decided=wants_closure is True,
            revoking_sh=revoking_sh,
            transferring_sz=transferring_sz,
        )
    findings.sort(key=lambda f: _RANK[f.severity])
    return Outlook(
        findings=tuple(findings),
        appointment_needed=needed,
        appointment=appointment,
        earliest=earliest,
    )


def _closure_severity(condition: Condition, *, decided: bool) -> tuple[Severity, int, str]:
    """A tie only its own part winds up refuses the closure at reception; the rest (interest,
    cash, agreements) the closure waits for after the transfer part (transfers/closure.py)."""
    if not decided:
        return (
            Severity.NOTE,
            19,
            _("For a closure: {condition}").format(condition=condition.message),
        )
    if condition.code in NEEDS_ITS_OWN_PART:
        return Severity.STOPS, 19, condition.message
    return (
        Severity.DELAYS,
        19,
        _("The closure will wait until this is done: {condition}").format(
            condition=condition.message
        ),
    )


def _closure_findings(
    customer: Customer,
    *,
    decided: bool,
    revoking_sh: bool | None,
    transferring_sz: bool | None,
) -> list[Finding]:
    """Art. 19. What ties the account even if the same request revokes and transfers stops
    the closure; what the same request could do first is a note, until the items are chosen."""
    regardless = closure_conditions_for(
        customer=customer,
        revoking_sh=True if revoking_sh is None else revoking_sh,
        transferring_sz=True if transferring_sz is None else transferring_sz,
    )
    held = {c.code for c in regardless}
    in_request: list[Condition] = []
    if revoking_sh is None or transferring_sz is None:
        without = closure_conditions_for(
            customer=customer,
            revoking_sh=bool(revoking_sh),
            transferring_sz=bool(transferring_sz),
        )
        in_request = [c for c in without if c.code not in held]
    found = [Finding(c.code, *_closure_severity(c, decided=decided)) for c in regardless]
    found += [
        Finding(
            c.code,
            Severity.NOTE,
            19,
            _(
                "For a closure: {condition} It can be asked for in the same request, which "
                "does it before closing the account."
            ).format(condition=c.message),
        )
        for c in in_request
    ]
    return found
