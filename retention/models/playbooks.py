"""Versioned playbooks, their steps, and the retention attempts that follow them (Art. 20–29)."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from transfers.models import ChurnReason

# ---------------------------------------------------------------------------------------
# Playbooks (Art. 20–29): what to do for each reason, as a checklist. A playbook is never
# changed once published: a revision is a new version, so an attempt always points at the
# exact steps the clerk saw.
# ---------------------------------------------------------------------------------------


class Playbook(models.Model):
    """One version of the checklist for a reason. `branch` empty: the firm's version, used
    by every branch that has not published its own (Art. 35: branches may refine the rules)."""

    reason = models.ForeignKey(
        ChurnReason, on_delete=models.PROTECT, related_name="playbooks", verbose_name=_("reason")
    )
    branch = models.ForeignKey(
        "accounts.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
        help_text=_("Empty: the firm-wide version every branch starts from."),
    )
    version = models.PositiveSmallIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["reason__sort_order", "branch_id", "-version"]
        constraints = [
            # Two UniqueConstraints because NULLs never collide in a plain one.
            models.UniqueConstraint(
                fields=["reason", "branch", "version"],
                condition=models.Q(branch__isnull=False),
                name="playbook_branch_version_once",
            ),
            models.UniqueConstraint(
                fields=["reason", "version"],
                condition=models.Q(branch__isnull=True),
                name="playbook_firm_version_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} v{self.version}"


class PlaybookStep(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    # The same action keeps its key from version to version, so the monthly analysis can
    # tell which actions keep customers whatever the wording of the version.
    key = models.SlugField(_("key"), max_length=40)
    text_zh = models.CharField(_("step (Chinese)"), max_length=300)
    text_en = models.CharField(_("step (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")
        ordering = ["playbook", "position"]
        constraints = [
            models.UniqueConstraint(fields=["playbook", "position"], name="step_position_once"),
            models.UniqueConstraint(fields=["playbook", "key"], name="step_key_once"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        if (get_language() or "").startswith("en") and self.text_en:
            return self.text_en
        return self.text_zh


class RetentionAttempt(models.Model):
    """What was tried with the customer at the counter (or by the marketing director or
    general manager, Art. 9–10): the playbook version followed, the steps done and the
    customer's answer. Recorded beside the request, never a condition for going on."""

    request = models.ForeignKey(
        "transfers.TransferRequest",
        on_delete=models.PROTECT,
        related_name="retention_attempts",
        verbose_name=_("request"),
    )
    playbook = models.ForeignKey(
        Playbook, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("playbook")
    )
    steps_done = models.ManyToManyField(
        PlaybookStep, blank=True, related_name="attempts", verbose_name=_("steps done")
    )
    customer_answer = models.TextField(_("customer's answer"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("the person who did it", "by"),
    )
    recorded_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention attempt")
        verbose_name_plural = _("retention attempts")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.request_id} {self.playbook}"
