"""Customer complaints, which the early warning watches while they are open."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from kernel.workflow import asks

_resolves = asks(
    "retention.permissions.resolves_complaint",
    refused=_("Your role does not allow this step."),
)


class ComplaintStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("state of a task", "Open")
    RESOLVED = "resolved", _("Resolved")


class Complaint(FSMModelMixin, models.Model):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("customer"),
    )
    received_on = models.DateField(_("received on"))
    summary = models.CharField(_("what the customer complains of"), max_length=300)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.OPEN,
        protected=True,
    )
    resolution = models.TextField(_("how it was resolved"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.summary

    @property
    def is_open(self) -> bool:
        return self.status == ComplaintStatus.OPEN

    @transition(
        field=status,
        source=ComplaintStatus.OPEN,
        target=ComplaintStatus.RESOLVED,
        permission=_resolves,
    )
    def resolve(self) -> None:
        pass
