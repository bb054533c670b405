"""Retention rules: how long each category is kept, never under the legal minimum."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .records import Category

# Securities law: customer records are kept for at least twenty years. No rule may go lower.
MIN_RETENTION_YEARS = 20


class RetentionRule(models.Model):
    """How long a category is kept after the customer relationship ends."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, unique=True)
    years = models.PositiveSmallIntegerField(
        _("years after the relationship ends"),
        default=MIN_RETENTION_YEARS,
        validators=[MinValueValidator(MIN_RETENTION_YEARS)],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(years__gte=MIN_RETENTION_YEARS),
                name="retention_at_least_twenty_years",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.years}"
