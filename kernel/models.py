"""The kernel's records: the exchanges' trading calendar, and the abstract parts every app's
models share."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Decision(models.Model):
    """Who decided on what someone else asked for, when, and what they said: the marketing
    director on a commission below the floor, the archivist on access to a record, the
    company head on destroying records."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    DECISION_FIELDS = ("decided_by", "decided_at", "decision_note")

    class Meta:
        abstract = True

    def record_decision(
        self, actor: Any, note: str, *, at: dt.datetime | None = None
    ) -> tuple[str, ...]:
        """Set who decides, when (now unless given), with their note; returns the fields to
        save."""
        self.decided_by = actor
        self.decided_at = at or timezone.now()
        self.decision_note = note.strip()[:300]
        return self.DECISION_FIELDS


class CalendarYear(models.Model):
    """A year whose holidays have been announced and entered. Dates in a year without a row
    are unknown: the calendar refuses to guess about them."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=100, default="exchange-calendars XSHG")
    note = models.CharField(_("note"), max_length=200, blank=True)
    # A provisional year (the demo's weekends-only stand-in for a year not yet announced) keeps
    # deadlines computable but is shown as unconfirmed everywhere; production enters only
    # confirmed years, from the exchanges' announcement.
    confirmed = models.BooleanField(_("confirmed by the exchanges' announcement"), default=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class ExchangeHoliday(models.Model):
    """A weekday on which the Shanghai and Shenzhen exchanges are closed."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("exchange holiday")
        verbose_name_plural = _("exchange holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()
