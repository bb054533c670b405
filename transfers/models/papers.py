"""The log of the receipt's prints (Art. 12: the clerk issues the customer a receipt). A
receipt is a voucher of money paid: every print of it, the first and each reprint, is
recorded with who, when, which copies and from where, and a reprint is marked with its
count on the paper itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.audit import AppendOnlyModel

from .requests import TransferRequest


class ReceiptCopy(models.TextChoices):
    """Art. 14: the customer takes their copy (客户联); the branch keeps its own with the
    papers it files (Art. 13, 15)."""

    BOTH = "both", _("Both copies")
    CUSTOMER = "customer", _("Customer's copy")
    BRANCH = "branch", _("Branch's copy")


class ReceiptPrint(AppendOnlyModel):
    """One print of a request's receipt. `number` 1 is the first print, 2 the first reprint
    (补打第1次), and so on; the unique pair keeps two clerks' prints from sharing a count.
    Append-only, on PostgreSQL down to SQL (transfers/migrations/0013)."""

    request = models.ForeignKey(
        TransferRequest,
        on_delete=models.PROTECT,
        related_name="receipt_prints",
        verbose_name=_("request"),
    )
    number = models.PositiveSmallIntegerField(_("print number"))
    copies = models.CharField(_("copies"), max_length=10, choices=ReceiptCopy.choices)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    printed_at = models.DateTimeField(_("when"), auto_now_add=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt print")
        verbose_name_plural = _("receipt prints")
        ordering = ["request", "number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="receipt_print_counted_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.number} {self.printed_by}"

    @property
    def reprint(self) -> int:
        """0 for the first print, N for the N-th reprint."""
        return self.number - 1
