"""Cross-app records: the exchanges' trading calendar, the core system's daily export, and
the in-app inbox."""

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


class CoreAccountState(models.Model):
    """One customer's state in the core trading system, as loaded from its daily export
    (`manage.py import_core_export`) or edited in the admin. Read only through the core-system
    adapter, so another source can replace it."""

    customer = models.OneToOneField(
        "accounts.Customer", on_delete=models.CASCADE, related_name="core_state"
    )
    as_of = models.DateField(_("as of"))
    last_order_date = models.DateField(_("last order date"), null=True, blank=True)
    open_bond_repo = models.BooleanField(_("bond repo not matured"), default=False)
    repo_registration_open = models.BooleanField(_("repo registration not revoked"), default=False)
    ipo_funds_frozen = models.BooleanField(_("IPO subscription funds frozen"), default=False)
    unfulfilled_agreement = models.CharField(
        _("agreement with the branch not fulfilled"), max_length=200, blank=True
    )
    clearing_house_hold = models.CharField(
        _("hold declared by the clearing house"), max_length=200, blank=True
    )
    sz_holdings_in_custody = models.BooleanField(
        _("Shenzhen holdings in custody here"), default=True
    )
    interest_settled = models.BooleanField(_("interest settled"), default=False)
    cash_balance = models.DecimalField(
        _("cash balance"), max_digits=16, decimal_places=2, default=0
    )
    # Stands in for the core system's own password check; a salted hash, never the password.
    trading_password_hash = models.CharField(max_length=128, blank=True)

    class Meta:
        verbose_name = _("core-system account state")
        verbose_name_plural = _("core-system account states")

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.as_of}"


class Notification(models.Model):
    """The in-app inbox: what a staff member must look at."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class JobOutcome(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class JobTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    COMMAND = "command", _("Command line")
    PAGE = "page", _("By hand on the jobs page")


class JobRun(models.Model):
    """One run of a scheduled job (jobs.registry) for one business date and one branch
    (none: a job for the whole installation). Written before the job starts and finished
    outside the job's transaction, so a failure is on record even though its work is
    rolled back."""

    name = models.CharField(_("job"), max_length=100)
    business_date = models.DateField(_("business date"))
    branch = models.ForeignKey(
        "accounts.Branch",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    trigger = models.CharField(_("started by"), max_length=20, choices=JobTrigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    task_id = models.CharField(_("Celery task"), max_length=50, blank=True)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=JobOutcome.choices, default=JobOutcome.QUEUED
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-queued_at", "-pk"]
        indexes = [
            models.Index(fields=["name", "business_date"]),
            models.Index(fields=["branch", "-queued_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.business_date} {self.outcome}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def duration(self):  # type: ignore[no-untyped-def]
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class DailyNotice(models.Model):
    """A ledger of what a job has already put in front of someone on a business date: the
    unique constraint makes "once per person per day" hold when a job runs twice or two
    schedulers race (jobs.registry.notify_once)."""

    kind = models.CharField(_("kind"), max_length=60)
    ref = models.CharField(_("about"), max_length=60, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    business_date = models.DateField(_("business date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice sent")
        verbose_name_plural = _("notices sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ref", "recipient", "business_date"], name="daily_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref} → {self.recipient_id} @ {self.business_date}"


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
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.principal}: {self.key}"
