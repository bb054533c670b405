"""Commitments made to customers (Art. 23, 25, 29, 34) and their escalations."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------------------------------
# Commitments (Art. 23, 25, 29, 34): every promise made to a customer is kept or answered for.
# ---------------------------------------------------------------------------------------


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    CANCELLED = "cancelled", _("Cancelled")


class Commitment(models.Model):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("customer"),
    )
    request = models.ForeignKey(
        "transfers.TransferRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("request"),
    )
    what = models.CharField(_("what was promised"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="retention_commitments",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.OPEN,
    )
    evidence = models.TextField(_("evidence it was kept"), blank=True)
    kept_on = models.DateField(_("kept on"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("promised at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("promised by"),
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["branch", "status", "due_on"]),
            models.Index(fields=["owner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="kept")
                | (models.Q(kept_on__isnull=False) & ~models.Q(evidence="")),
                name="kept_commitment_has_evidence",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancel_reason=""),
                name="cancelled_commitment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == CommitmentStatus.OPEN and self.due_on < today


class CommitmentEscalation(models.Model):
    """One row per overdue commitment per day it was escalated: the unique key is what keeps
    the nightly job from telling the marketing director twice on one day."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="escalations")
    on_date = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commitment escalation")
        verbose_name_plural = _("commitment escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "on_date"], name="commitment_escalated_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} @ {self.on_date}"
