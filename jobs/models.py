"""Scheduled jobs' runs and the ledger of what they have told whom."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobOutcome(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")
    # The process running it died (a worker killed, the machine lost): its work was rolled
    # back with its transaction, and the task was, or will be, run again.
    ABANDONED = "abandoned", _("Abandoned")


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
        db_table = "branch_ops_jobrun"  # kept from when the kernel held it
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
    def badge(self) -> str:
        """How the pages colour the outcome: ok, bad, or warn for anything still unsettled."""
        badges: dict[str, str] = {
            JobOutcome.SUCCEEDED: "ok",
            JobOutcome.FAILED: "bad",
            JobOutcome.ABANDONED: "bad",
        }
        return badges.get(self.outcome, "warn")

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
        db_table = "branch_ops_dailynotice"  # kept from when the kernel held it
        verbose_name = _("notice sent")
        verbose_name_plural = _("notices sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ref", "recipient", "business_date"], name="daily_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref} → {self.recipient_id} @ {self.business_date}"
