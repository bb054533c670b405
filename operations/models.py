"""The ledger of what the operators have been mailed: they are addresses, not staff, so the
jobs' notice ledger (jobs.DailyNotice, which names a recipient) cannot hold them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OperatorAlert(models.Model):
    """One incident mailed to OPERATOR_EMAILS: the unique key makes "once per incident" hold
    when the watch runs every quarter of an hour, or twice at once."""

    kind = models.CharField(_("kind"), max_length=60)
    ref = models.CharField(_("about"), max_length=120)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("operator alert")
        verbose_name_plural = _("operator alerts")
        constraints = [models.UniqueConstraint(fields=["kind", "ref"], name="operator_alert_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}"
