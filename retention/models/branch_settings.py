"""The branch's retention settings: early-warning thresholds and the default commitment term."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class BranchRetentionSettings(models.Model):
    """The branch's early-warning thresholds. A branch without a row uses the defaults."""

    branch = models.OneToOneField(
        "accounts.Branch",
        on_delete=models.CASCADE,
        related_name="retention_settings",
        verbose_name=_("branch"),
    )
    assets_drop_percent = models.DecimalField(
        _("assets fall by more than (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
    )
    assets_window_days = models.PositiveSmallIntegerField(_("over this many days"), default=30)
    idle_trading_days = models.PositiveSmallIntegerField(
        _("no trades for this many trading days"), default=20
    )
    departure_watch_days = models.PositiveSmallIntegerField(
        _("watch customers of a departed account manager for (days)"), default=90
    )
    deferral_watch_days = models.PositiveSmallIntegerField(
        _("watch customers who deferred for (days)"), default=90
    )
    commitment_days_default = models.PositiveSmallIntegerField(
        _("a commitment is due within (trading days) unless said otherwise"), default=5
    )

    class Meta:
        verbose_name = _("branch retention settings")
        verbose_name_plural = _("branch retention settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assets_drop_percent__gt=0)
                & models.Q(assets_drop_percent__lte=100),
                name="assets_drop_percent_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(assets_window_days__gt=0) & models.Q(idle_trading_days__gt=0),
                name="retention_windows_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.branch)
