"""Commission (Art. 27): better service justifies the rate; when the customer asks, a rate
may be agreed within the branch's permitted range. Below the floor the marketing director
decides, and the decision is kept."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Customer, Staff
from accounts.roles import COUNTER_ROLES, Role
from kernel.errors import Forbidden, InvalidInput, InvalidState, require_same_branch
from notifications.services import notify
from transfers.models import TransferRequest

from ..errors import RetentionErrorCode
from ..models import CommissionAgreement, CommissionRange, CommissionStatus
from ._common import clean_text, require_role

# Art. 27 names the counter and the account manager as the people who reach agreement.
AGREEING_ROLES = (*COUNTER_ROLES, Role.ACCOUNT_MANAGER)
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
) -> CommissionAgreement:
    require_same_branch(customer.branch_id, actor)
    require_role(
        actor,
        *AGREEING_ROLES,
        message=_("Only counter staff or an account manager agree a commission rate."),
    )
    rate = _check_rate(rate)
    if request is not None and request.customer_id != customer.pk:
        raise InvalidInput(_("That request is another customer's."))
    tier = customer.tier
    band = CommissionRange.objects.filter(branch_id=customer.branch_id, tier=tier).first()
    if band is None:
        raise InvalidInput(
            _(
                "The branch has no permitted commission range for {tier} customers: the "
                "general manager sets it first."
            ).format(tier=tier.label),
            code=RetentionErrorCode.NO_RANGE,
        )
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
    if below:
        directors = Staff.objects.filter(
            branch_id=customer.branch_id, is_active=True, groups__name=Role.MARKETING_DIRECTOR
        ).exclude(pk=actor.pk)
        notify(
            recipients=directors.distinct(),
            subject=_("Commission below the floor for {customer}: {rate} (floor {floor})").format(
                customer=customer, rate=rate, floor=band.floor_rate
            ),
            body=agreement.note,
            link="/retention/commission/",
        )
    return agreement


def _lock_pending(agreement: CommissionAgreement, actor: Staff) -> CommissionAgreement:
    require_same_branch(agreement.branch_id, actor)
    require_role(
        actor,
        Role.MARKETING_DIRECTOR,
        message=_("A rate below the floor is decided by the marketing director."),
    )
    locked = CommissionAgreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    if locked.status != CommissionStatus.PENDING:
        raise InvalidState(_("This rate has already been decided."))
    if locked.agreed_by_id == actor.pk:
        raise Forbidden(
            _("Someone other than whoever proposed the rate must decide on it."),
        )
    return locked


def _decide(
    agreement: CommissionAgreement, actor: Staff, status: str, note: str
) -> CommissionAgreement:
    agreement.status = status
    agreement.save(update_fields=["status", *agreement.record_decision(actor, note)])
    notify(
        recipients=[agreement.agreed_by],
        subject=_("Commission {rate} for {customer}: {status}").format(
            rate=agreement.rate, customer=agreement.customer, status=agreement.get_status_display()
        ),
        body=note,
        link="/retention/commission/",
    )
    return agreement


@transaction.atomic
def commission_approve(
    *, agreement: CommissionAgreement, actor: Staff, note: str = ""
) -> CommissionAgreement:
    locked = _lock_pending(agreement, actor)
    note = clean_text(note, field=_("Note"), max_length=300, required=False)
    return _decide(locked, actor, CommissionStatus.APPROVED, note)


@transaction.atomic
def commission_refuse(
    *, agreement: CommissionAgreement, actor: Staff, note: str
) -> CommissionAgreement:
    locked = _lock_pending(agreement, actor)
    note = clean_text(note, field=_("Why refused"), max_length=300)
    return _decide(locked, actor, CommissionStatus.REFUSED, note)
