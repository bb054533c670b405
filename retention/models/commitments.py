"""Commitments made to customers (Art. 23, 25, 29, 34)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from kernel.workflow import asks

_closes = asks(
    "retention.permissions.may_close_commitment",
    refused=_("Only the owner or the branch's managers close a commitment."),
)

# ---------------------------------------------------------------------------------------
# Commitments (Art. 23, 25, 29, 34): every promise made to a customer is kept or answered for.
# ---------------------------------------------------------------------------------------


class CommitmentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("state of a task", "Open")
    KEPT = "kept", _("Kept")
    CANCELLED = "cancelled", _("Cancelled")


class Commitment(FSMModelMixin, models.Model):
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
    status = FSMField(
        _("status"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.OPEN,
        protected=True,
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

    @property
    def is_open(self) -> bool:
        return self.status == CommitmentStatus.OPEN

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today

    # Art. 29, 34: kept with something to show for it, or cancelled with a reason (the
    # constraints above hold the evidence and the reason; the service fills them in).
    @transition(
        field=status, source=CommitmentStatus.OPEN, target=CommitmentStatus.KEPT, permission=_closes
    )
    def keep(self) -> None:
        pass

    @transition(
        field=status,
        source=CommitmentStatus.OPEN,
        target=CommitmentStatus.CANCELLED,
        permission=_closes,
    )
    def cancel(self) -> None:
        pass
