"""The periodic inventory of the paper records (records Art. 7(2))."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Branch
from kernel.workflow import asks

from .records import ArchiveRecord


class InventoryState(models.TextChoices):
    OPEN = "open", _("Being checked")
    FINISHED = "finished", _("Finished")


class InventoryCheck(FSMModelMixin, models.Model):
    """Records Art. 7(2): the periodic inventory (盘点) of the paper records."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    state = FSMField(
        _("state"), default=InventoryState.OPEN, choices=InventoryState.choices, protected=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finished by"),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("inventory")
        verbose_name_plural = _("inventories")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.started_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.state == InventoryState.OPEN

    @transition(
        field=state,
        source=InventoryState.OPEN,
        target=InventoryState.FINISHED,
        permission=asks("archives.permissions.may_finish_inventory"),
    )
    def finish(self) -> None:
        pass


class InventoryItem(models.Model):
    check_run = models.ForeignKey(InventoryCheck, on_delete=models.CASCADE, related_name="items")
    record = models.ForeignKey(ArchiveRecord, on_delete=models.PROTECT, related_name="+")
    cabinet = models.CharField(_("cabinet"), max_length=40, blank=True)
    box = models.CharField(_("box"), max_length=40, blank=True)
    found = models.BooleanField(_("found"), null=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory items")
        ordering = ["cabinet", "box", "record__number"]
        constraints = [
            models.UniqueConstraint(fields=["check_run", "record"], name="inventory_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.found}"
