"""Consented access to a record's files (records Art. 6): requests, grants and the access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Branch
from kernel.audit import AppendOnlyModel, RequestTraced
from kernel.models import Decision
from kernel.workflow import NOBODY, asks

from .records import ArchiveDocument, ArchiveRecord


class ConsentRelation(models.TextChoices):
    CUSTOMER = "customer", _("The customer")
    AUTHORISED = "authorised", _("A person the customer authorised")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("In writing")
    IN_PERSON = "in_person", _("In person at the branch")
    PHONE = "phone", _("By recorded phone call")
    ELECTRONIC = "electronic", _("Electronically")


class AccessState(models.TextChoices):
    PENDING = "pending", _("Waiting for the archivist")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", pgettext_lazy("archive access request", "Refused")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


# Expiry is the services' own step: no person takes it.
_nobody = NOBODY


class AccessRequest(FSMModelMixin, Decision):
    """Records Art. 6(1): a staff member asks to open a record's files, stating why and the
    customer's (or their authorised person's) consent; the archivist grants it for a limited
    time as an object permission on the record."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(
        ArchiveRecord,
        on_delete=models.PROTECT,
        related_name="access_requests",
        verbose_name=_("record"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="archive_access_requests",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    purpose = models.TextField(_("purpose"))
    consent_by = models.CharField(_("consent given by"), max_length=100)
    consent_relation = models.CharField(
        _("who that is"), max_length=20, choices=ConsentRelation.choices
    )
    consent_method = models.CharField(
        _("how consent was given"), max_length=20, choices=ConsentMethod.choices
    )
    consent_at = models.DateTimeField(_("consent given at"))
    consent_reference = models.CharField(
        _("consent reference (letter, call record)"), max_length=200, blank=True
    )
    state = FSMField(
        _("state"), default=AccessState.PENDING, choices=AccessState.choices, protected=True
    )
    expires_at = models.DateTimeField(_("access until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["branch", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="granted") | models.Q(expires_at__isnull=False),
                name="granted_access_expires",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record} / {self.requested_by}"

    @property
    def is_live(self) -> bool:
        return (
            self.state == AccessState.GRANTED
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    @property
    def has_lapsed(self) -> bool:
        """Granted, and its time is up (before the expiry job has marked it expired)."""
        return (
            self.state == AccessState.GRANTED
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )

    @transition(
        field=state,
        source=AccessState.PENDING,
        target=AccessState.GRANTED,
        permission=asks("archives.permissions.may_grant_access"),
    )
    def grant(self) -> None:
        pass

    @transition(
        field=state,
        source=AccessState.PENDING,
        target=AccessState.REFUSED,
        permission=asks("archives.permissions.may_refuse_access"),
    )
    def refuse(self) -> None:
        pass

    @transition(
        field=state,
        source=AccessState.GRANTED,
        target=AccessState.REVOKED,
        permission=asks("archives.permissions.may_revoke_access"),
    )
    def revoke(self) -> None:
        pass

    @transition(
        field=state, source=AccessState.GRANTED, target=AccessState.EXPIRED, permission=_nobody
    )
    def expire(self) -> None:
        pass


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")
    REFUSED = "refused", _("Refused (no valid grant)")


class AccessLogEntry(RequestTraced, AppendOnlyModel):
    """Records Art. 6(2): the access register (查阅登记). Who, when, which file, why."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    record = models.ForeignKey(
        ArchiveRecord, on_delete=models.PROTECT, related_name="access_log", verbose_name=_("record")
    )
    document = models.ForeignKey(
        ArchiveDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("file"),
    )
    access_request = models.ForeignKey(
        AccessRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        verbose_name=_("access request"),
    )
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    purpose = models.TextField(_("purpose"), blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.record}"
