"""What a request costs (Art. 12): one function, read by the request page and the business form
before and during processing, recorded when processing starts and printed on the receipt.

Art. 12 names one charge, the custody-transfer fee (转托管手续费): the firm's norm sets it
and a branch may charge less (accounts/norm). The Shanghai revocation carries none, and
closing an account costs nothing (CSDC's 2018 notice on closing securities accounts): no
version of the norm may say anything but 0 for those two, and they are never charged."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from accounts.norm.resolve import rule_set

from .models import FeeItem, TransferRequest

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
    """One line per item asked for, at the branch's rules today; free items at 0."""
    rules = rule_set(req.branch_id)
    return [
        FeeLine(item, rules[f"fee.{item}"] if item in CHARGEABLE else ZERO)
        for item in requested_items(req)
    ]


def fee_for(req: TransferRequest) -> Decimal:
    """The total the customer pays (Art. 12)."""
    return sum((line.amount for line in fee_lines(req)), ZERO)
