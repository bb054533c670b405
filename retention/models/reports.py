"""The monthly churn report as prepared for the branch's meeting (Art. 7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------------------------------
# Monthly analysis (Art. 7)
# ---------------------------------------------------------------------------------------


class MonthlyReport(models.Model):
    """The figures of one month as prepared for the branch's monthly meeting; the page
    computes live figures, this keeps what the meeting saw."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    figures = models.JSONField(_("figures"), default=dict)
    prepared_at = models.DateTimeField(_("prepared at"))

    class Meta:
        verbose_name = _("monthly churn report")
        verbose_name_plural = _("monthly churn reports")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "month"], name="one_report_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="report_month_is_first"),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.month:%Y-%m}"
