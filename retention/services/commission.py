"""Commission (Art. 27): better service justifies the rate; when the customer asks, a rate
may be agreed within the branch's permitted range. Below the floor the marketing director
decides, and the decision is kept."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Customer, Staff
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from kernel.errors import InvalidInput, require_same_branch
from notifications.services import notify
from transfers.models import TransferRequest

from .. import permissions
from ..errors import RetentionErrorCode
from ..models import CommissionAgreement, CommissionStatus, RetentionAction
from ..selectors.commission import commission_range_for
from ._common import apply_transition, audit, clean_text, require

RATE_PLACES = Decimal("0.000001")


def _check_rate(rate: Decimal) -> Decimal:
    if not isinstance(rate, Decimal) or not rate.is_finite():
        # A float would carry binary rounding into a price; the forms give Decimals.
        raise TypeError("a commission rate is a Decimal")
    if rate <= 0 or rate >= 1:
        raise InvalidInput(_("A rate is a fraction above 0 and below 1."))
    if rate != rate.quantize(RATE_PLACES):
        raise InvalidInput(_("Give the rate to at most six decimal places."))
    return rate


@transaction.atomic
def commission_agree(
    *,
    customer: Customer,
    actor: Staff,
    rate: Decimal,
    request: TransferRequest | None = None,
    note: str = "",
    client_ip: str | None = None,
) -> CommissionAgreement:
    require_same_branch(customer.branch_id, actor)
    require(
        permissions.may_agree_commission(actor),
        _("Only counter staff or an account manager agree a commission rate."),
    )
    rate = _check_rate(rate)
    if request is not None and request.customer_id != customer.pk:
        raise InvalidInput(_("That request is another customer's."))
    tier = customer.tier
    band = commission_range_for(customer.branch_id, tier)
    if rate > band.ceiling_rate:
        raise InvalidInput(
            _("{rate} is above the branch's highest rate for this tier ({ceiling}).").format(
                rate=rate, ceiling=band.ceiling_rate
            ),
            code=RetentionErrorCode.ABOVE_RANGE,
        )
    below = rate < band.floor_rate
    agreement = CommissionAgreement.objects.create(
        branch_id=customer.branch_id,
        customer=customer,
        request=request,
        rate=rate,
        tier=tier,
        floor_rate=band.floor_rate,
        ceiling_rate=band.ceiling_rate,
        status=CommissionStatus.PENDING if below else CommissionStatus.AGREED,
        note=clean_text(note, field=_("Note"), max_length=300, required=False),
        agreed_by=actor,
    )
    audit(
        agreement,
        actor=actor,
        action=RetentionAction.COMMISSION_PROPOSED if below else RetentionAction.COMMISSION_AGREED,
        comment=agreement.note,
        client_ip=client_ip,
    )
    if below:
        directors = staff_with_roles(customer.branch_id, Role.MARKETING_DIRECTOR)
        notify(
            recipients=directors.exclude(pk=actor.pk),
            subject=_("Commission below the floor for {customer}: {rate} (floor {floor})").format(
                customer=customer, rate=rate, floor=band.floor_rate
            ),
            body=agreement.note,
            link=reverse("retention_commission"),
        )
    return agreement


def _decide(
    agreement: CommissionAgreement,
    actor: Staff,
    transition: str,
    action: RetentionAction,
    note: str,
    client_ip: str | None,
) -> CommissionAgreement:
    require_same_branch(agreement.branch_id, actor)
    require(
        permissions.decides_commission(actor),
        _("A rate below the floor is decided by the marketing director."),
    )
    locked = CommissionAgreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    apply_transition(
        locked,
        transition,
        actor=actor,
        action=action,
        refusal=_("This rate has already been decided."),
        comment=note,
        client_ip=client_ip,
        update_fields=locked.record_decision(actor, note),
    )
    notify(
        recipients=[locked.agreed_by],
        subject=_("Commission {rate} for {customer}: {status}").format(
            rate=locked.rate, customer=locked.customer, status=locked.get_status_display()
        ),
        body=note,
        link=reverse("retention_commission"),
    )
    return locked


@transaction.atomic
def commission_approve(
    *, agreement: CommissionAgreement, actor: Staff, note: str = "", client_ip: str | None = None
) -> CommissionAgreement:
    note = clean_text(note, field=_("Note"), max_length=300, required=False)
    return _decide(
        agreement, actor, "approve", RetentionAction.COMMISSION_APPROVED, note, client_ip
    )


@transaction.atomic
def commission_refuse(
    *, agreement: CommissionAgreement, actor: Staff, note: str, client_ip: str | None = None
) -> CommissionAgreement:
    note = clean_text(note, field=_("Why refused"), max_length=300)
    return _decide(agreement, actor, "refuse", RetentionAction.COMMISSION_REFUSED, note, client_ip)
