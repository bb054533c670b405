"""Departures (Art. 28): service teams, departures, contact tasks and team assignments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from kernel.workflow import asks

_completes = asks(
    "retention.permissions.may_complete_contact_task",
    refused=_("Only whoever the task is assigned to, or their team, completes it."),
)

# ---------------------------------------------------------------------------------------
# Departure of an account manager or external broker (Art. 28)
# ---------------------------------------------------------------------------------------


class ServiceTeam(models.Model):
    """Art. 28: a customer service team (客户服务小组) that may take over customers. Its lead
    becomes their account manager of record, so approvals keep working."""

    branch = models.ForeignKey(
        "accounts.Branch",
        on_delete=models.PROTECT,
        related_name="service_teams",
        verbose_name=_("branch"),
    )
    name = models.CharField(_("name"), max_length=100)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("team lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="service_teams",
        verbose_name=_("members"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")
        ordering = ["branch", "name"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="service_team_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class DepartureKind(models.TextChoices):
    EMPLOYEE = "employee", _("Account manager (employee)")
    EXTERNAL_BROKER = "external_broker", _("External broker")


class StaffDeparture(models.Model):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    departed = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who left"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DepartureKind.choices)
    left_on = models.DateField(_("left on"))
    to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customers given to"),
    )
    to_team = models.ForeignKey(
        ServiceTeam,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departures",
        verbose_name=_("customers given to team"),
    )
    customers_moved = models.PositiveIntegerField(_("customers moved"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("departure")
        verbose_name_plural = _("departures")
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_person__isnull=True) ^ models.Q(to_team__isnull=True),
                name="departure_to_person_or_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.departed} {self.left_on}"

    @property
    def taken_over_by(self) -> str:
        return str(self.to_team or self.to_person)


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("state of a task", "Open")
    DONE = "done", _("Done")


class RetentionContactTask(FSMModelMixin, models.Model):
    """Contact a customer directly and try to keep them (Art. 28). Kept in this app rather
    than as a revisit: it is about keeping a customer who has not left."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="retention_tasks",
        verbose_name=_("customer"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="retention_tasks",
        verbose_name=_("assigned to"),
    )
    team = models.ForeignKey(
        ServiceTeam,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("team"),
    )
    departure = models.ForeignKey(
        StaffDeparture,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("departure"),
    )
    what = models.CharField(_("what to do"), max_length=300)
    due_on = models.DateField(_("due on"))
    status = FSMField(
        _("status"),
        max_length=20,
        choices=TaskStatus.choices,
        default=TaskStatus.OPEN,
        protected=True,
    )
    outcome = models.TextField(_("outcome"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact task")
        verbose_name_plural = _("contact tasks")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assigned_to", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["departure", "customer"],
                condition=models.Q(departure__isnull=False),
                name="one_task_per_customer_per_departure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.what}"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    @transition(field=status, source=TaskStatus.OPEN, target=TaskStatus.DONE, permission=_completes)
    def complete(self) -> None:
        pass


class ServiceTeamAssignment(models.Model):
    """Which team serves a customer since a departure (the team lead is the account manager
    of record on the customer)."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="team_assignments"
    )
    team = models.ForeignKey(ServiceTeam, on_delete=models.PROTECT, related_name="assignments")
    departure = models.ForeignKey(
        StaffDeparture, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service team assignment")
        verbose_name_plural = _("service team assignments")
        ordering = ["-assigned_at"]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.team}"
