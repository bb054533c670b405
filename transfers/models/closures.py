"""Fund accounts ready to close (Art. 19), listed by the nightly sweep."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClosureCandidate(models.Model):
    """Art. 19: a fund account the sweep of `business_date` found ready to close — nothing
    ties it to the branch any more and no request is open. The counter lead works the list
    of the latest sweep."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.CASCADE,
        related_name="closure_candidacies",
        verbose_name=_("customer"),
    )
    business_date = models.DateField(_("found on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "revisits_closurecandidate"  # kept from when revisits held it
        verbose_name = _("account ready to close")
        verbose_name_plural = _("accounts ready to close")
        ordering = ["-business_date", "customer__fund_account"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "business_date"], name="closure_candidate_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer} @ {self.business_date}"
