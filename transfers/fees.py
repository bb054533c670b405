"""What a request costs (Art. 12): one function, read by the request page and the business form
before and during processing, recorded when processing starts and printed on the receipt.

Art. 12 names one charge, the custody-transfer fee (转托管手续费), and the branch sets it in
its fee schedule. The Shanghai revocation carries none, and closing an account costs nothing
(CSDC's 2018 notice on closing securities accounts): whatever a schedule says for those two
is never charged, and the schedule refuses to say anything but 0 for them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import FeeItem, FeeSchedule, TransferRequest

ZERO = Decimal("0.00")
CHARGEABLE = frozenset({FeeItem.SZ_TRANSFER})


@dataclass(frozen=True)
class FeeLine:
    item: FeeItem
    amount: Decimal

    @property
    def label(self) -> str:
        return str(self.item.label)


def requested_items(req: TransferRequest) -> list[FeeItem]:
    items = []
    if req.wants_sz_transfer:
        items.append(FeeItem.SZ_TRANSFER)
    if req.wants_sh_revocation:
        items.append(FeeItem.SH_REVOCATION)
    if req.wants_closure:
        items.append(FeeItem.CLOSURE)
    return items


def fee_lines(req: TransferRequest) -> list[FeeLine]:
    """One line per item asked for, at the branch's schedule today; free items at 0."""
    items = requested_items(req)
    schedule = dict(
        FeeSchedule.objects.filter(
            branch_id=req.branch_id, item__in=[i for i in items if i in CHARGEABLE]
        ).values_list("item", "amount")
    )
    return [
        FeeLine(item, schedule.get(item, ZERO) if item in CHARGEABLE else ZERO) for item in items
    ]


def fee_for(req: TransferRequest) -> Decimal:
    """The total the customer pays (Art. 12)."""
    return sum((line.amount for line in fee_lines(req)), ZERO)


def fee_amount_problem(item: str, amount: Decimal | None) -> str | None:
    """What the fee schedule may say for an item: a custody-transfer fee of 0 or more, and 0
    for the revocation and the closure."""
    if amount is None:
        return None
    if amount < 0:
        return _("A fee is not negative.")
    if item == FeeItem.CLOSURE and amount != 0:
        return _(
            "Closing a fund account costs the customer nothing (Art. 12 names only the "
            "custody-transfer fee; CSDC 2018): its fee is 0."
        )
    if item == FeeItem.SH_REVOCATION and amount != 0:
        return _(
            "Art. 12 names only the custody-transfer fee: the Shanghai designated-trading "
            "revocation is free, its fee is 0."
        )
    return None
