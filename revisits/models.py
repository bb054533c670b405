"""Revisits (Art. 30–34): the rules that say who must be contacted and when, the tasks the
planner makes from them and their audit trail, and on-site events for customers who left."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from kernel.audit import TransitionEntry
from kernel.workflow import NOBODY, Condition, asks


class Reason(models.TextChoices):
    """Why a revisit task exists: one per rule, plus a contact agreed at the last one."""

    LEFT_FIRST = "left_first", _("Revisit in the week the customer left")  # Art. 31
    LEFT_MONTHLY = "left_monthly", _("Monthly contact after leaving")  # Art. 31
    INSTITUTION_VISIT = "institution_visit", _("Yearly visit in person")  # Art. 32
    DEFERRED_TRIAL_END = "deferred_trial_end", _("End of the deferral's trial period")  # Art. 34
    DEFERRED_MONTHLY = "deferred_monthly", _("Monthly contact while deferring")  # Art. 34
    COMMITMENT = "commitment", _("Before a promise is due")  # Art. 29, 34
    FOLLOW_UP = "follow_up", _("Next contact agreed")


class Channel(models.TextChoices):
    VISIT = "visit", _("Visit in person")
    PHONE = "phone", _("Phone")
    OTHER = "other", _("Other (message, letter, e-mail)")


class Topic(models.TextChoices):
    """Art. 31: what a revisit covers."""

    ACTIVITIES = "activities", _("The branch's recent activities, new products and services")
    SITUATION = "situation", _("How the customer is doing")
    RELATIONSHIP = "relationship", _("Keeping the relationship")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("state of a task", "Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("No longer needed")


# The task's transitions ask revisits/permissions.py who may take them.
_answers_for = asks("revisits.permissions.answers_for")
_assigns = asks("revisits.permissions.assigns")
_nobody = NOBODY


# Art. 31: a revisit is recorded with when it happened and what the customer said. The
# service says what is missing in its own words first; this keeps the table honest alone.
_contact_written_down = Condition(
    lambda task: task.done_on is not None and bool(task.outcome.strip()),
    unmet=_("Write down when the customer was contacted and what they said."),
)


class RevisitTaskQuerySet(models.QuerySet["RevisitTask"]):
    def for_branch(self, branch_id: int) -> RevisitTaskQuerySet:
        return self.filter(branch_id=branch_id)

    def open(self) -> RevisitTaskQuerySet:
        return self.filter(status=TaskStatus.OPEN)

    def late(self, today: dt.date) -> RevisitTaskQuerySet:
        return self.filter(status=TaskStatus.OPEN, due_on__lt=today)


class RevisitTask(FSMModelMixin, models.Model):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="revisit_tasks",
        verbose_name=_("customer"),
    )
    reason = models.CharField(_("why"), max_length=30, choices=Reason.choices)
    # What this task answers for when one customer may have several of a kind at once
    # ("commitment:12", "after:34"); empty for the rules that want one at a time.
    source_ref = models.CharField(_("source"), max_length=40, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisit_tasks",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    # Changed only by the transitions below, through kernel.workflow.transition_take.
    status = FSMField(
        _("status"),
        max_length=20,
        choices=TaskStatus.choices,
        default=TaskStatus.OPEN,
        protected=True,
    )
    topics = models.JSONField(_("topics covered"), default=list, blank=True)
    outcome = models.TextField(_("what was said"), blank=True)
    done_on = models.DateField(_("contacted on"), null=True, blank=True)
    next_contact_on = models.DateField(_("next contact"), null=True, blank=True)
    next_task = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("next task"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RevisitTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("revisit task")
        verbose_name_plural = _("revisit tasks")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["branch", "status", "due_on"]),
            models.Index(fields=["owner", "status", "due_on"]),
        ]
        constraints = [
            # The planner's idempotence: a re-run, or two at once, cannot plan a contact twice.
            models.UniqueConstraint(
                fields=["customer", "reason", "due_on", "source_ref"], name="revisit_task_once"
            ),
            models.UniqueConstraint(
                fields=["customer", "reason", "source_ref"],
                condition=models.Q(status="open"),
                name="revisit_task_one_open",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False),
                name="revisit_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_reason_display()} · {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    def is_late(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today

    @property
    def topics_display(self) -> list[str]:
        return [str(Topic(t).label) for t in self.topics if t in Topic.values]

    @transition(
        field=status,
        source=TaskStatus.OPEN,
        target=TaskStatus.DONE,
        conditions=[_contact_written_down],
        permission=_answers_for,
    )
    def record(self) -> None:
        pass

    # No longer needed (the customer decided, the promise was kept or withdrawn): the
    # planner's, after its own checks.
    @transition(
        field=status, source=TaskStatus.OPEN, target=TaskStatus.CANCELLED, permission=_nobody
    )
    def cancel(self) -> None:
        pass

    # A change of owner, not of state: it still goes through the table, so it is refused
    # once the task is closed and leaves its row in the audit trail.
    @transition(field=status, source=TaskStatus.OPEN, target=TaskStatus.OPEN, permission=_assigns)
    def reassign(self) -> None:
        pass


class RevisitAction(models.TextChoices):
    """What a task's audit row says happened: the code stored, the words people read."""

    RECORDED = "recorded", _("Revisit recorded")
    CANCELLED = "cancelled", _("Cancelled: no longer needed")
    REASSIGNED = "reassigned", _("Given to another owner")


class RevisitTaskAuditEntry(TransitionEntry):
    """A task's audit trail: one row per change of state or owner, written in the change's
    transaction (kernel.workflow.transition_take); the nightly planner acts as nobody.
    Append-only (on PostgreSQL not even SQL changes it)."""

    task = models.ForeignKey(
        RevisitTask,
        on_delete=models.PROTECT,
        related_name="audit_entries",
        verbose_name=_("revisit task"),
    )
    action = models.CharField(_("action"), max_length=40, choices=RevisitAction.choices)
    from_state = models.CharField(_("from"), max_length=30, choices=TaskStatus.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=TaskStatus.choices)
    # A reassignment: who held the task before and who holds it after.
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous owner"),
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new owner"),
    )

    class Meta(TransitionEntry.Meta):
        verbose_name = _("revisit audit entry")
        verbose_name_plural = _("revisit audit trail")


class RevisitEvent(models.Model):
    """Art. 33: an on-site event (talks, product and service presentations) for customers
    who transferred out."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200)
    programme = models.TextField(_("programme"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organised by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("on-site event")
        verbose_name_plural = _("on-site events")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class EventInvitation(models.Model):
    event = models.ForeignKey(RevisitEvent, on_delete=models.CASCADE, related_name="invitations")
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="event_invitations",
        verbose_name=_("customer"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    # None until someone marks it after the event.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["event", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "customer"], name="invited_once")]

    def __str__(self) -> str:
        return f"{self.event} → {self.customer}"
