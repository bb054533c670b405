"""Approvals by the customer's tier (Art. 9, 10, 17) and appointments (Art. 18)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch, Customer
from kernel.audit import AppendOnlyModel

from .requests import TransferRequest


class ApprovalStep(models.TextChoices):
    COUNTER_LEAD = "counter_lead", _("Counter lead")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    MARKETING_DIRECTOR = "marketing_director", _("Marketing director")
    GENERAL_MANAGER = "general_manager", _("General manager")


class ApprovalMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone, written sign-off to follow")


class StandingApprovals(models.Manager["Approval"]):
    """The approvals that count: a recalled one (and the later steps that fell with it)
    stays on record but no longer counts for any step, queue or sign-off. Every reader goes
    through the default manager, so none of them has to remember to leave them out; the
    request's page and trail read them through `Approval.with_withdrawn`."""

    def get_queryset(self) -> models.QuerySet[Approval]:
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Approval(models.Model):
    """One approver's yes (Art. 9, 10, 17). Rows are never changed, except that a phone
    approval is later signed off in writing (补签), and that an approval is withdrawn once:
    recalled by its approver, or fallen with an earlier step's recall."""

    request = models.ForeignKey(TransferRequest, on_delete=models.PROTECT, related_name="approvals")
    round = models.PositiveSmallIntegerField(default=1)
    step = models.CharField(_("step"), max_length=30, choices=ApprovalStep.choices)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approvals",
        verbose_name=_("approver"),
    )
    mode = models.CharField(
        _("how"), max_length=20, choices=ApprovalMode.choices, default=ApprovalMode.IN_PERSON
    )
    approved_at = models.DateTimeField(_("approved at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # A substitute's approval is given for the absent approver (transfers/models/substitutes.py).
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approvals_by_substitutes",
        verbose_name=_("for"),
    )
    sign_off_due_on = models.DateField(_("written sign-off due"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    with_withdrawn = models.Manager()
    objects = StandingApprovals()

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["approved_at"]
        default_manager_name = "objects"
        constraints = [
            # A race between two approvers of one step: the database lets one win. A
            # withdrawn approval leaves its step (and its approver) free to approve again.
            models.UniqueConstraint(
                fields=["request", "round", "step"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="approval_step_once",
            ),
            models.UniqueConstraint(
                fields=["request", "round", "approver"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="approver_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.approver}"

    @property
    def signed_as(self) -> str:
        """The approver as the papers name them: a substitute's approval is "X for Y"."""
        if self.on_behalf_of_id is None:
            return str(self.approver)
        return gettext("{substitute} for {absent}").format(
            substitute=self.approver, absent=self.on_behalf_of
        )

    @property
    def is_by_phone(self) -> bool:
        return self.mode == ApprovalMode.PHONE

    @property
    def is_disputed(self) -> bool:
        return hasattr(self, "dispute")

    @property
    def awaiting_sign_off(self) -> bool:
        return (
            self.is_by_phone
            and self.signed_off_at is None
            and not self.is_disputed
            and not self.is_withdrawn
        )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ApprovalDispute(AppendOnlyModel):
    """Art. 17: the person a phone approval was recorded in the name of says they did not
    give it. The approval row itself never changes (its one allowed change is the written
    sign-off); the dispute stands beside it, once, and is never changed or removed."""

    approval = models.OneToOneField(
        Approval, on_delete=models.PROTECT, related_name="dispute", verbose_name=_("approval")
    )
    disputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("disputed by"),
    )
    at = models.DateTimeField(_("disputed at"), auto_now_add=True)
    reason = models.CharField(_("why it is disputed"), max_length=500)

    class Meta:
        verbose_name = _("disputed phone approval")
        verbose_name_plural = _("disputed phone approvals")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.approval}: {self.reason}"


class Appointment(models.Model):
    """Art. 18: institution and core customers book a day ahead with the marketing director
    or general manager, who use the time to learn why and try to keep them."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="appointments")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("with")
    )
    booked_on = models.DateField(_("booked on"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("what was learned"), blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-booked_on"]

    def __str__(self) -> str:
        return f"{self.customer} / {self.host} / {self.booked_on}"
