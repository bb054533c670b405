"""The archives' audit trail (ArchiveEvent) and its actions, labelled once (ArchiveAction)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch
from kernel.audit import AppendOnlyModel, RequestTraced

from .access import AccessRequest
from .records import ArchiveRecord


class ArchiveAction(models.TextChoices):
    """What an archives event records. The stored code stays stable; people read its name."""

    DRAFT_CREATED = "draft_created", _("Draft created")
    DRAFT_DISCARDED = "draft_discarded", _("Draft discarded")
    SCAN_UPLOADED = "scan_uploaded", _("Scan stored")
    SCAN_REMOVED = "scan_removed", _("Scan removed from the draft")
    SHELVED = "shelved", _("Shelved")
    FILED = "filed", _("Filed")
    ACCESS_REQUESTED = "access_requested", _("Access requested")
    ACCESS_GRANTED = "access_granted", _("Access granted")
    ACCESS_REFUSED = "access_refused", _("Access refused")
    ACCESS_REVOKED = "access_revoked", _("Access revoked")
    ACCESS_EXPIRED = "access_expired", _("Access expired")
    INVENTORY_STARTED = "inventory_started", _("Inventory started")
    INVENTORY_FINISHED = "inventory_finished", _("Inventory finished")
    DESTRUCTION_REQUESTED = "destruction_requested", _("Destruction requested")
    DESTRUCTION_APPROVED = "destruction_approved", _("Destruction approved")
    DESTRUCTION_REJECTED = "destruction_rejected", _("Destruction rejected")
    DESTRUCTION_EXECUTED = "destruction_executed", _("Destroyed")
    # One per record a destruction destroys (records Art. 8(2)), on the record's own history.
    RECORD_DESTROYED = "record_destroyed", _("Record destroyed")


class ArchiveEvent(RequestTraced, AppendOnlyModel):
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
    action = models.CharField(_("action"), max_length=40, choices=ArchiveAction.choices)
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
