"""The rates agreed with customers (Art. 27); the permitted ranges are the firm's norm
(accounts/norm, retention/selectors/commission.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Tier
from kernel.models import Decision
from kernel.workflow import asks

_decides = asks(
    "retention.permissions.may_decide_commission",
    refused=_("Someone other than whoever proposed the rate must decide on it."),
)

# ---------------------------------------------------------------------------------------
# Commission (Art. 27)
# ---------------------------------------------------------------------------------------


class CommissionStatus(models.TextChoices):
    AGREED = "agreed", _("Agreed within the range")
    PENDING = "pending", _("Below the floor: awaiting the marketing director")
    APPROVED = "approved", _("Below the floor: approved")
    REFUSED = "refused", _("Below the floor: refused")


class CommissionAgreement(FSMModelMixin, Decision):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="commission_agreements",
        verbose_name=_("customer"),
    )
    request = models.ForeignKey(
        "transfers.TransferRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request"),
    )
    rate = models.DecimalField(_("rate"), max_digits=8, decimal_places=6)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    floor_rate = models.DecimalField(_("floor at the time"), max_digits=8, decimal_places=6)
    ceiling_rate = models.DecimalField(_("ceiling at the time"), max_digits=8, decimal_places=6)
    # Within the range it is agreed at once; below the floor it waits for the director.
    status = FSMField(_("status"), max_length=20, choices=CommissionStatus.choices, protected=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agreed by"),
    )
    agreed_at = models.DateTimeField(_("agreed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commission agreement")
        verbose_name_plural = _("commission agreements")
        ordering = ["-agreed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="commission_rate_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["agreed", "pending"])
                | models.Q(decided_by__isnull=False),
                name="commission_decision_has_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.rate}"

    @property
    def is_pending(self) -> bool:
        return self.status == CommissionStatus.PENDING

    @transition(
        field=status,
        source=CommissionStatus.PENDING,
        target=CommissionStatus.APPROVED,
        permission=_decides,
    )
    def approve(self) -> None:
        pass

    @transition(
        field=status,
        source=CommissionStatus.PENDING,
        target=CommissionStatus.REFUSED,
        permission=_decides,
    )
    def refuse(self) -> None:
        pass

    @property
    def rate_display(self) -> str:
        """万分之几, as the counter says it: 0.000250 → 2.5‱."""
        return f"{(self.rate * 10000).normalize():f}‱"
