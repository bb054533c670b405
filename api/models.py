"""The integration API's keys and its record of idempotent calls."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemToken(models.Model):
    """An integration API key for another system (core trading, head office's CRM). It
    belongs to a branch and acts through a named member of that branch's staff
    (`acting_as`): the services check that person's roles exactly as on the pages, so a token
    can do no more than the person it acts for; its scopes narrow further which endpoints it
    may call. Only the key's SHA-256 is stored; the key itself is shown once when issued
    (`manage.py issue_system_token`)."""

    name = models.CharField(_("name"), max_length=100)
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    acting_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("acts as"),
    )
    key_digest = models.CharField(_("key digest (SHA-256)"), max_length=64, unique=True)
    key_prefix = models.CharField(_("key prefix"), max_length=8)
    scopes = models.JSONField(_("scopes"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        db_table = "branch_ops_systemtoken"  # kept from when the kernel held it
        verbose_name = _("system token")
        verbose_name_plural = _("system tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class IdempotencyRecord(models.Model):
    """The first response to a state-changing API call made with an `Idempotency-Key`: a
    repeat of the key by the same principal gets this response back instead of a second
    action. Written in the action's own transaction."""

    principal = models.CharField(_("principal"), max_length=40)
    key = models.CharField(_("key"), max_length=255)
    request_digest = models.CharField(_("request digest"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    body = models.JSONField(_("body"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "branch_ops_idempotencyrecord"  # kept from when the kernel held it
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.principal}: {self.key}"
