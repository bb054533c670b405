"""The firm's norm and each branch's refinements of it (Art. 35–37), as records: a version
is never changed once published (a revision is a new version), and a refinement's trail
says who proposed it, who decided on it and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from kernel.audit import AppendOnlyModel, TransitionEntry
from kernel.models import Decision
from kernel.workflow import asks


class NormVersion(AppendOnlyModel):
    """One version of the firm's norm: every rule's value (accounts/norm/catalog.py), in
    force at every branch from `effective_from` until a later version's day (Art. 36)."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("in force from"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,  # the first version: the rules as the branches held them
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    why = models.TextField(_("why"))
    rules = models.JSONField(_("rules"))
    # The groups of rules (catalog.GROUPS) whose branch refinements wait for the head office.
    approval_groups = models.JSONField(_("refinements needing approval"), default=list)

    class Meta:
        verbose_name = _("norm version")
        verbose_name_plural = _("norm versions")
        ordering = ["-effective_from", "-number"]

    def __str__(self) -> str:
        return f"v{self.number} ({self.effective_from:%Y-%m-%d})"

    @property
    def approval_group_labels(self) -> list[str]:
        from .catalog import GROUPS

        return [str(GROUPS.get(group, group)) for group in self.approval_groups]


class RefinementState(models.TextChoices):
    PENDING = "pending", _("Waiting for the head office")
    IN_FORCE = "in_force", pgettext_lazy("a branch's refinement", "In force")
    REFUSED = "refused", pgettext_lazy("a branch's refinement", "Refused")


_decides = asks(
    "accounts.permissions.may_decide_refinement",
    refused=_("Only the head office's marketing management decides on a refinement."),
)


class Refinement(FSMModelMixin, Decision):
    """A branch's value for one rule from a day (Art. 35), or, with no value, its return to
    the norm. It applies only while it is at least as strict as the norm in force: a later
    version that is stricter still takes precedence (accounts/norm/resolve.py)."""

    branch = models.ForeignKey(
        "accounts.Branch",
        on_delete=models.PROTECT,
        related_name="refinements",
        verbose_name=_("branch"),
    )
    rule = models.CharField(_("rule"), max_length=60)
    value = models.CharField(_("value"), max_length=40, blank=True)
    effective_from = models.DateField(_("in force from"))
    why = models.TextField(_("why"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    state = FSMField(
        _("state"),
        max_length=20,
        choices=RefinementState.choices,
        default=RefinementState.IN_FORCE,
        protected=True,
    )

    class Meta:
        verbose_name = _("branch refinement")
        verbose_name_plural = _("branch refinements")
        ordering = ["branch", "rule", "-effective_from", "-pk"]
        indexes = [
            models.Index(fields=["branch", "state", "effective_from"], name="refinement_in_force")
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.rule} = {self.value or '-'}"

    @property
    def follows_norm(self) -> bool:
        return not self.value

    @transition(
        field=state,
        source=RefinementState.PENDING,
        target=RefinementState.IN_FORCE,
        permission=_decides,
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=RefinementState.PENDING,
        target=RefinementState.REFUSED,
        permission=_decides,
    )
    def refuse(self) -> None:
        pass


class RefinementAction(models.TextChoices):
    PROPOSE = "propose", _("Proposed")
    APPROVE = "approve", _("Approved")
    REFUSE = "refuse", pgettext_lazy("a branch's refinement", "Refused")


class RefinementAuditEntry(TransitionEntry):
    refinement = models.ForeignKey(
        Refinement,
        on_delete=models.PROTECT,
        related_name="audit_entries",
        verbose_name=_("branch refinement"),
    )
    action = models.CharField(_("action"), max_length=40, choices=RefinementAction.choices)

    class Meta(TransitionEntry.Meta):
        verbose_name = _("refinement audit entry")
        verbose_name_plural = _("refinement audit trail")
