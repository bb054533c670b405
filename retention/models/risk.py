"""Early warning (Art. 5–6): the customers' daily figures and the at-risk flags they raise."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------------------------------
# Early warning (Art. 5–6)
# ---------------------------------------------------------------------------------------


class DailyCustomerMetrics(models.Model):
    """One customer's figures for one trading day, from the core system's daily export
    (`manage.py import_customer_metrics`)."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="daily_metrics"
    )
    date = models.DateField(_("date"))
    assets = models.DecimalField(_("assets"), max_digits=16, decimal_places=2)
    trades_count = models.PositiveIntegerField(_("trades"), default=0)

    class Meta:
        verbose_name = _("daily customer metrics")
        verbose_name_plural = _("daily customer metrics")
        ordering = ["customer", "date"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "date"], name="one_metrics_row_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.date}"


class RiskRule(models.TextChoices):
    ASSETS_DROP = "assets_drop", _("Assets fell")
    NO_TRADES = "no_trades", _("No trades")
    MANAGER_DEPARTED = "manager_departed", _("Account manager left")
    OPEN_COMPLAINT = "open_complaint", _("Open complaint")
    RECENT_DEFERRAL = "recent_deferral", _("Recently deferred a transfer")


class AtRiskFlag(models.Model):
    """One rule that fired for one customer on one business day, with the numbers that made
    it fire (`details`), so a reader can see why."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.CASCADE,
        related_name="risk_flags",
        verbose_name=_("customer"),
    )
    rule = models.CharField(_("rule"), max_length=30, choices=RiskRule.choices)
    business_date = models.DateField(_("business date"))
    details = models.JSONField(_("figures"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("at-risk flag")
        verbose_name_plural = _("at-risk flags")
        ordering = ["-business_date", "customer", "rule"]
        indexes = [models.Index(fields=["branch", "business_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "rule", "business_date"], name="one_flag_per_rule_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.rule} {self.business_date}"

    @property
    def explanation(self) -> str:
        from ..risk_text import explain_flag

        return explain_flag(self.rule, self.details)
