"""Substitutes for a period (Art. 17: approvers are often out). An approver, or the general
manager for them, names a colleague who takes the approval steps named here in their stead
from the first day to the last (Beijing dates, inclusive). Each approval the substitute gives
is recorded "for" the absent approver (Approval.on_behalf_of)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch

from .approvals import ApprovalStep


class SubstitutionQuerySet(models.QuerySet["Substitution"]):
    def in_force_on(self, day: dt.date) -> SubstitutionQuerySet:
        return self.filter(cancelled_at__isnull=True, starts_on__lte=day, ends_on__gte=day)

    def overlapping(self, starts_on: dt.date, ends_on: dt.date) -> SubstitutionQuerySet:
        return self.filter(
            cancelled_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
        )


class Substitution(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="substituted_by",
        verbose_name=_("absent approver"),
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="substitutes_for",
        verbose_name=_("substitute"),
    )
    # A JSON list rather than an array: the tests run on SQLite as well as PostgreSQL.
    steps = models.JSONField(_("steps covered"), default=list)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("named by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("named at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )

    objects = SubstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="substitution_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(absent=models.F("substitute")), name="substitution_not_self"
            ),
        ]
        indexes = [models.Index(fields=["substitute", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.substitute} → {self.absent} ({self.starts_on}–{self.ends_on})"

    @property
    def step_labels(self) -> list[str]:
        return [str(ApprovalStep(s).label) for s in self.steps if s in ApprovalStep.values]

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None
