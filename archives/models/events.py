"""The archives' audit trail (ArchiveEvent) and the names of its actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch
from kernel.audit import AppendOnlyModel

from .access import AccessRequest
from .records import ArchiveRecord

EVENT_LABELS = {
    "draft_created": _("Draft created"),
    "draft_discarded": _("Draft discarded"),
    "scan_uploaded": _("Scan stored"),
    "scan_removed": _("Scan removed from the draft"),
    "shelved": _("Shelved"),
    "filed": _("Filed"),
    "access_requested": _("Access requested"),
    "access_granted": _("Access granted"),
    "access_refused": _("Access refused"),
    "access_revoked": _("Access revoked"),
    "access_expired": _("Access expired"),
    "inventory_started": _("Inventory started"),
    "inventory_finished": _("Inventory finished"),
    "destruction_requested": _("Destruction requested"),
    "destruction_approved": _("Destruction approved"),
    "destruction_rejected": _("Destruction rejected"),
    "destruction_executed": _("Destroyed"),
}


class ArchiveEvent(AppendOnlyModel):
    """The archives' audit trail: filings, grants, inventories, destructions."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=40)
    record = models.ForeignKey(
        ArchiveRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    access_request = models.ForeignKey(
        AccessRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    destruction_request = models.ForeignKey(
        "DestructionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    # The state a transition left and reached (kernel.workflow); empty for events that are
    # not a change of state (a filing's upload, an access to a file).
    from_state = models.CharField(_("from"), max_length=20, blank=True, default="")
    to_state = models.CharField(_("to"), max_length=20, blank=True, default="")
    comment = models.TextField(_("comment"), blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive event")
        verbose_name_plural = _("archive events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        """The stored code stays stable; people read its name."""
        return str(EVENT_LABELS.get(self.action, self.action))
