"""Retention's audit trail: one row for every change of state of a commitment, a commission
agreement, a contact task or a complaint, written in the change's transaction
(kernel.workflow.transition_take)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.audit import TransitionEntry

from .commission import CommissionAgreement
from .commitments import Commitment
from .complaints import Complaint
from .departures import RetentionContactTask


class RetentionAction(models.TextChoices):
    """What a retention audit row says happened: the code stored, the words people read."""

    COMMITMENT_MADE = "commitment_made", _("Promise made")
    COMMITMENT_KEPT = "commitment_kept", _("Promise kept")
    COMMITMENT_CANCELLED = "commitment_cancelled", _("Promise cancelled")
    COMMISSION_AGREED = "commission_agreed", _("Commission rate agreed")
    COMMISSION_PROPOSED = "commission_proposed", _("Rate below the floor proposed")
    COMMISSION_APPROVED = "commission_approved", _("Rate below the floor approved")
    COMMISSION_REFUSED = "commission_refused", _("Rate below the floor refused")
    CONTACT_DONE = "contact_done", _("Customer contacted")
    COMPLAINT_RESOLVED = "complaint_resolved", _("Complaint resolved")


ABOUT = ("commitment", "commission_agreement", "contact_task", "complaint")


def _exactly_one_of(fields: tuple[str, ...]) -> models.Q:
    either = models.Q()
    for field in fields:
        either |= models.Q(
            **{f"{field}__isnull": False},
            **{f"{other}__isnull": True for other in fields if other != field},
        )
    return either


class RetentionAuditEntry(TransitionEntry):
    """Append-only (on PostgreSQL not even SQL changes it). Exactly one of the objects is
    set."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    action = models.CharField(_("action"), max_length=40, choices=RetentionAction.choices)
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    commission_agreement = models.ForeignKey(
        CommissionAgreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    contact_task = models.ForeignKey(
        RetentionContactTask,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )

    class Meta(TransitionEntry.Meta):
        verbose_name = _("retention audit entry")
        verbose_name_plural = _("retention audit trail")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_of(ABOUT), name="retention_audit_about_one_object"
            )
        ]
