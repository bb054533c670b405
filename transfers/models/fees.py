"""Fees (Art. 12) and the receipt numbers of each branch and year."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch


class FeeItem(models.TextChoices):
    SZ_TRANSFER = "sz_transfer", _("Shenzhen custody transfer")
    SH_REVOCATION = "sh_revocation", _("Shanghai designated-trading revocation")
    CLOSURE = "closure", _("fund-account closure")


class FeeSchedule(models.Model):
    """The branch's fees (Art. 12, which names only the custody-transfer fee): the Shanghai
    revocation and the closure are free, and the database holds them at 0 (transfers/fees.py
    says why in the words the admin shows)."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="fees")
    item = models.CharField(_("item"), max_length=20, choices=FeeItem.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fee schedule")
        constraints = [
            models.UniqueConstraint(fields=["branch", "item"], name="one_fee_per_item"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fee_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(item="closure") | models.Q(amount=0), name="closure_is_free"
            ),
            models.CheckConstraint(
                condition=~models.Q(item="sh_revocation") | models.Q(amount=0),
                name="revocation_is_free",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.amount}"


class ReceiptCounter(models.Model):
    """Receipt numbers run without gaps per branch per year: the counter row is locked and
    advanced in the transaction that completes the request, so a rollback leaves no hole."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.branch_id}/{self.year}: {self.last_number}"
