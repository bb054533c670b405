"""Every branch's monthly figures, computed once for the head office's console: the console
reads these rows and never the branches' customers, so a page costs the same number of
queries whether the firm has three branches or a hundred and fifty."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BranchMonthFigures(models.Model):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    # Art. 7: who left (the Art. 30 memos of completed requests) and with how much.
    churn_count = models.PositiveIntegerField(_("customers who left"), default=0)
    churn_assets = models.DecimalField(
        _("assets lost (CNY)"), max_digits=20, decimal_places=2, default=0
    )
    # Decided after the retention talk: stayed (withdrawn) or went (completed).
    decided = models.PositiveIntegerField(_("decided"), default=0)
    stayed = models.PositiveIntegerField(_("stayed"), default=0)
    # Breakdowns as the branch analysis gives them: lists of {key, count, assets}.
    by_reason = models.JSONField(_("by reason"), default=list)
    by_tier = models.JSONField(_("by tier"), default=list)
    by_broker = models.JSONField(_("by receiving broker"), default=list)
    # Compliance: two trading days (CSDC 2018), Art. 16, 17, 29, 31-32, records Art. 6.
    late_requests = models.PositiveIntegerField(_("requests past two trading days"), default=0)
    overdue_sign_offs = models.PositiveIntegerField(_("overdue phone sign-offs"), default=0)
    revisits_due = models.PositiveIntegerField(_("revisits due"), default=0)
    revisits_done = models.PositiveIntegerField(_("revisits done"), default=0)
    commitments_due = models.PositiveIntegerField(_("commitments due"), default=0)
    commitments_kept_on_time = models.PositiveIntegerField(_("commitments kept on time"), default=0)
    archive_access_outside_grants = models.PositiveIntegerField(
        _("archive access outside grants"), default=0
    )
    blocked_by_condition = models.JSONField(_("blocked requests by condition"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("branch's monthly figures")
        verbose_name_plural = _("branches' monthly figures")
        ordering = ["-month", "branch"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "month"], name="one_figures_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="figures_month_is_first"),
        ]
        indexes = [models.Index(fields=["month"], name="figures_month_idx")]

    def __str__(self) -> str:
        return f"{self.branch} {self.month:%Y-%m}"
