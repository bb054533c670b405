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


class AlertSign(models.TextChoices):
    """What makes the head office look at a branch (the firm-wide alerts). The CSRC forbids
    forced retention — restricting or delaying a customer's transfer or closure (CSRC notice
    of 2009; Order No. 204, 2023) — and gives the branch two trading days once the customer
    has applied (CSDC 2018): these are the signs in the records that a branch may not be
    keeping to it."""

    # Two trading days (CSDC 2018; Order 204): headoffice.selectors.late_requests_in_month.
    LATE_REQUESTS = "late_requests", _("Requests past two trading days")
    # Forced retention: a customer asked to defer (暂缓办理, Art. 23, 25) again and again for
    # the same reason is being held, not served.
    REPEAT_DEFERRAL = "repeat_deferral", _("Customers deferred more than once for one reason")
    # Forced retention: a request "withdrawn" and opened again by the same customer within
    # days was not the customer's wish to stay.
    WITHDRAWN_REOPENED = "withdrawn_reopened", _("Requests withdrawn and opened again soon after")


class BranchAlert(models.Model):
    """A branch flagged to head-office compliance for one month and one sign, with the
    requests behind it. Raised by the monthly job (headoffice/jobs.py); rerunning it updates
    the figures of an alert already raised and never raises it twice."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    sign = models.CharField(_("sign"), max_length=30, choices=AlertSign.choices)
    count = models.PositiveIntegerField(_("count"))
    # What the count had to reach when the alert was raised (headoffice/thresholds.py).
    threshold = models.PositiveIntegerField(_("threshold"))
    request_ids = models.JSONField(_("requests behind it"), default=list)
    raised_at = models.DateTimeField(_("raised at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("branch alert")
        verbose_name_plural = _("branch alerts")
        ordering = ["-month", "branch", "sign"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "month", "sign"], name="one_alert_per_branch_month_sign"
            ),
            models.CheckConstraint(condition=models.Q(month__day=1), name="alert_month_is_first"),
        ]
        indexes = [models.Index(fields=["month"], name="alert_month_idx")]

    def __str__(self) -> str:
        return f"{self.branch} {self.month:%Y-%m} {self.sign}"
