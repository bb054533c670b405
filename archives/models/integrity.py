"""Integrity checks of the stored files and what they found."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch

from .records import ArchiveDocument


class IntegrityCheck(models.Model):
    """One run of the integrity job over a branch's stored files."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    business_date = models.DateField(_("business day"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    checked = models.PositiveIntegerField(_("files checked"), default=0)
    intact = models.PositiveIntegerField(_("intact"), default=0)
    mismatched = models.PositiveIntegerField(_("changed"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    # Files in the branch's storage that no document references: written for a filing whose
    # transaction never committed (its process was killed before it could remove them).
    orphaned = models.PositiveIntegerField(_("unreferenced files"), default=0)

    class Meta:
        verbose_name = _("integrity check")
        verbose_name_plural = _("integrity checks")
        ordering = ["-business_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "business_date"], name="one_integrity_result_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.business_date} {self.checked}/{self.mismatched}/{self.missing}"

    @property
    def problems(self) -> int:
        return self.mismatched + self.missing + self.orphaned


class IntegrityProblem(models.TextChoices):
    MISMATCH = "mismatch", _("Content changed (SHA-256 differs)")
    MISSING = "missing", _("File missing")
    ORPHAN = "orphan", _("File that no record references")


class IntegrityFinding(models.Model):
    check_run = models.ForeignKey(IntegrityCheck, on_delete=models.CASCADE, related_name="findings")
    # None for a file that no document references (ORPHAN): then only its name is known.
    document = models.ForeignKey(
        ArchiveDocument, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    problem = models.CharField(_("problem"), max_length=20, choices=IntegrityProblem.choices)
    expected_sha256 = models.CharField(_("expected SHA-256"), max_length=64)
    found_sha256 = models.CharField(_("found SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("integrity finding")
        verbose_name_plural = _("integrity findings")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.document or self.file_name} {self.problem}"
