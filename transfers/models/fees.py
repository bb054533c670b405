"""The items a request may be charged for (Art. 12: the amounts are the firm's norm,
accounts/norm) and the receipt numbers of each branch and year."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch


class FeeItem(models.TextChoices):
    SZ_TRANSFER = "sz_transfer", _("Shenzhen custody transfer")
    SH_REVOCATION = "sh_revocation", _("Shanghai designated-trading revocation")
    CLOSURE = "closure", _("fund-account closure")


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
