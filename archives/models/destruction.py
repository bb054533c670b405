"""Approved destruction of records past their retention date (records Art. 8) and its record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Branch
from kernel.audit import AppendOnlyModel
from kernel.models import Decision
from kernel.workflow import asks

from .records import PAPER_METHODS, ArchiveRecord, DestructionMethod


class DestructionState(models.TextChoices):
    PENDING = "pending", _("Waiting for the company head")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXECUTED = "executed", _("Executed")


class DestructionRequest(FSMModelMixin, Decision):
    """Records Art. 8: a list of records past their retention date, approved by the company
    head, then destroyed so that nothing can be recovered."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    records = models.ManyToManyField(
        ArchiveRecord, related_name="destruction_requests", verbose_name=_("records")
    )
    reason = models.TextField(_("reason"))
    paper_method = models.CharField(
        _("method for paper"),
        max_length=20,
        choices=[(m.value, m.label) for m in PAPER_METHODS],
        default=DestructionMethod.SHREDDING,
    )
    state = FSMField(
        _("state"),
        default=DestructionState.PENDING,
        choices=DestructionState.choices,
        protected=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("destruction request")
        verbose_name_plural = _("destruction requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return gettext("Destruction #{pk}").format(pk=self.pk)

    @property
    def is_pending(self) -> bool:
        """Waiting for the company head's decision (records Art. 8(1))."""
        return self.state == DestructionState.PENDING

    @transition(
        field=state,
        source=DestructionState.PENDING,
        target=DestructionState.APPROVED,
        permission=asks("archives.permissions.may_approve_destruction"),
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=DestructionState.PENDING,
        target=DestructionState.REJECTED,
        permission=asks("archives.permissions.may_reject_destruction"),
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=DestructionState.APPROVED,
        target=DestructionState.EXECUTED,
        permission=asks("archives.permissions.may_execute_destruction"),
    )
    def execute(self) -> None:
        pass


class DestructionRecord(AppendOnlyModel):
    """Records Art. 8(3): the destruction record, kept for good. A snapshot, so it reads the
    same whatever happens to the rows it names."""

    destruction_request = models.OneToOneField(
        DestructionRequest, on_delete=models.PROTECT, related_name="destruction_record"
    )
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    executed_at = models.DateTimeField(_("destroyed at"))
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("destroyed by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"))
    paper_method = models.CharField(
        _("method for paper"), max_length=20, choices=DestructionMethod.choices
    )
    file_method = models.CharField(
        _("method for files"),
        max_length=20,
        choices=DestructionMethod.choices,
        default=DestructionMethod.SECURE_DELETION,
    )
    witnesses = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("witnesses")
    )
    witness_names = models.CharField(_("witnesses"), max_length=300)
    items = models.JSONField(_("what was destroyed"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")
        ordering = ["-executed_at", "-pk"]

    def __str__(self) -> str:
        return gettext("Destruction record #{pk}").format(pk=self.destruction_request_id)
