"""The reader's copy of a file: disarmed once when its record is filed, watermarked once per
access grant, made by a background job and served as a stored file on every view."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import AccessRequest
from .records import ArchiveDocument


class CopyState(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be made")


class ReaderCopy(models.Model):
    """Without a grant: the disarmed copy of a document (its pages as pictures), made when
    the record is filed. With one: that copy carrying the grant's watermark (its holder and
    number), the only file that person is ever served."""

    document = models.ForeignKey(
        ArchiveDocument,
        on_delete=models.CASCADE,
        related_name="reader_copies",
        verbose_name=_("file"),
    )
    grant = models.ForeignKey(
        AccessRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reader_copies",
        verbose_name=_("access grant"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=CopyState.choices, default=CopyState.PENDING
    )
    file = models.FileField(_("file"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    problem = models.CharField(_("problem"), max_length=300, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    made_at = models.DateTimeField(_("made at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reader's copy")
        verbose_name_plural = _("reader's copies")
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(grant__isnull=True),
                name="one_disarmed_copy_per_document",
            ),
            models.UniqueConstraint(
                fields=["document", "grant"],
                condition=models.Q(grant__isnull=False),
                name="one_reader_copy_per_grant_and_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} / {self.grant_id or '-'}: {self.state}"
