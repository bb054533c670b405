"""The work memo (Art. 30) for every customer who left or deferred."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.pii import EncryptedCharField
from transfers.models import ChurnReason

# ---------------------------------------------------------------------------------------
# The work memo (客户转销户工作备忘录, Art. 30)
# ---------------------------------------------------------------------------------------


class MemoOutcome(models.TextChoices):
    DEFERRED = "deferred", _("Deferred")
    LEFT = "left", _("Left")
    STAYED = "stayed", _("Stayed after deferring")


class WorkMemo(models.Model):
    """Art. 30: for every customer who left and every one who deferred. One per request,
    written by the transfer services in the transaction that ends or defers the request.
    The snapshot fields (tier, assets, account manager, broker) are what the monthly
    analysis counts: they are as they were on the day, whatever changes later."""

    request = models.OneToOneField(
        "transfers.TransferRequest",
        on_delete=models.PROTECT,
        related_name="work_memo",
        verbose_name=_("request"),
    )
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="work_memos",
        verbose_name=_("customer"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=MemoOutcome.choices)
    # Editable by the account manager.
    main_reasons = models.TextField(_("main reasons"))
    # A copy of the customer's phone: encrypted at rest like the original (PIPL Art. 51).
    contact_phone = EncryptedCharField(_("contact phone"), max_length=30, blank=True)
    follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    follow_up_notes = models.TextField(_("follow-up and what was solved"), blank=True)
    # Snapshot, written by the services only.
    primary_reason = models.ForeignKey(
        ChurnReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary reason"),
    )
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    assets = models.DecimalField(_("assets"), max_digits=16, decimal_places=2, default=0)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account manager"),
    )
    receiving_broker = models.CharField(_("receiving broker"), max_length=100, blank=True)
    deferred_on = models.DateField(_("deferred on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )

    class Meta:
        verbose_name = _("work memo")
        verbose_name_plural = _("work memos")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["branch", "outcome", "left_on"]),
            models.Index(fields=["branch", "deferred_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer} / #{self.request_id}"
