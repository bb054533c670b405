"""What the branch does about why customers leave (the reasons' taxonomy is transfers',
where the request records it): versioned playbooks and the attempts that follow them, the work
memo of Art. 30, commitments, commission agreements, departures, the early-warning flags
and the monthly analysis."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Tier
from accounts.pii import EncryptedCharField
from kernel.models import Decision
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
        verbose_name=_("by"),
    )
    recorded_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention attempt")
        verbose_name_plural = _("retention attempts")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.request_id} {self.playbook}"


# ---------------------------------------------------------------------------------------
# The work memo (客户转销户工作备忘录, Art. 30)
# ---------------------------------------------------------------------------------------


class MemoOutcome(models.TextChoices):
    DEFERRED = "deferred", _("Deferred")
    LEFT = "left", _("Left")
    STAYED = "stayed", _("Stayed after deferring")


class WorkMemo(models.Model):
    """Art. 30: for every customer who left and every one who deferred. One per request,
    written by the transfer services in the transaction that ends or defers the request.
    The snapshot fields (tier, assets, account manager, broker) are what the monthly
    analysis counts: they are as they were on the day, whatever changes later."""

    request = models.OneToOneField(
        "transfers.TransferRequest",
        on_delete=models.PROTECT,
        related_name="work_memo",
        verbose_name=_("request"),
    )
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="work_memos",
        verbose_name=_("customer"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=MemoOutcome.choices)
    # Editable by the account manager.
    main_reasons = models.TextField(_("main reasons"))
    # A copy of the customer's phone: encrypted at rest like the original (PIPL Art. 51).
    contact_phone = EncryptedCharField(_("contact phone"), max_length=30, blank=True)
    follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    follow_up_notes = models.TextField(_("follow-up and what was solved"), blank=True)
    # Snapshot, written by the services only.
    primary_reason = models.ForeignKey(
        ChurnReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary reason"),
    )
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    assets = models.DecimalField(_("assets"), max_digits=16, decimal_places=2, default=0)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account manager"),
    )
    receiving_broker = models.CharField(_("receiving broker"), max_length=100, blank=True)
    deferred_on = models.DateField(_("deferred on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )

    class Meta:
        verbose_name = _("work memo")
        verbose_name_plural = _("work memos")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["branch", "outcome", "left_on"]),
            models.Index(fields=["branch", "deferred_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer} / #{self.request_id}"


# ---------------------------------------------------------------------------------------
# Commitments (Art. 23, 25, 29, 34): every promise made to a customer is kept or answered for.
# ---------------------------------------------------------------------------------------


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    CANCELLED = "cancelled", _("Cancelled")


class Commitment(models.Model):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("customer"),
    )
    request = models.ForeignKey(
        "transfers.TransferRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("request"),
    )
    what = models.CharField(_("what was promised"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="retention_commitments",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.OPEN,
    )
    evidence = models.TextField(_("evidence it was kept"), blank=True)
    kept_on = models.DateField(_("kept on"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("promised at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("promised by"),
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["branch", "status", "due_on"]),
            models.Index(fields=["owner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="kept")
                | (models.Q(kept_on__isnull=False) & ~models.Q(evidence="")),
                name="kept_commitment_has_evidence",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancel_reason=""),
                name="cancelled_commitment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == CommitmentStatus.OPEN and self.due_on < today


class CommitmentEscalation(models.Model):
    """One row per overdue commitment per day it was escalated: the unique key is what keeps
    the nightly job from telling the marketing director twice on one day."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="escalations")
    on_date = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commitment escalation")
        verbose_name_plural = _("commitment escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "on_date"], name="commitment_escalated_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} @ {self.on_date}"


# ---------------------------------------------------------------------------------------
# Commission (Art. 27)
# ---------------------------------------------------------------------------------------


class CommissionRange(models.Model):
    """The branch's permitted commission range for a tier, as a fraction of the amount
    traded (0.000250 = 万分之二点五). Decimal, never float: a rate is money."""

    branch = models.ForeignKey(
        "accounts.Branch",
        on_delete=models.CASCADE,
        related_name="commission_ranges",
        verbose_name=_("branch"),
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    floor_rate = models.DecimalField(_("lowest rate"), max_digits=8, decimal_places=6)
    ceiling_rate = models.DecimalField(_("highest rate"), max_digits=8, decimal_places=6)

    class Meta:
        verbose_name = _("commission range")
        verbose_name_plural = _("commission ranges")
        ordering = ["branch", "tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "tier"], name="one_commission_range_per_tier"
            ),
            models.CheckConstraint(
                condition=models.Q(floor_rate__gt=0)
                & models.Q(ceiling_rate__gte=models.F("floor_rate")),
                name="commission_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: {self.floor_rate}–{self.ceiling_rate}"


class CommissionStatus(models.TextChoices):
    AGREED = "agreed", _("Agreed within the range")
    PENDING = "pending", _("Below the floor: awaiting the marketing director")
    APPROVED = "approved", _("Below the floor: approved")
    REFUSED = "refused", _("Below the floor: refused")


class CommissionAgreement(Decision):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="commission_agreements",
        verbose_name=_("customer"),
    )
    request = models.ForeignKey(
        "transfers.TransferRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request"),
    )
    rate = models.DecimalField(_("rate"), max_digits=8, decimal_places=6)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    floor_rate = models.DecimalField(_("floor at the time"), max_digits=8, decimal_places=6)
    ceiling_rate = models.DecimalField(_("ceiling at the time"), max_digits=8, decimal_places=6)
    status = models.CharField(_("status"), max_length=20, choices=CommissionStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agreed by"),
    )
    agreed_at = models.DateTimeField(_("agreed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commission agreement")
        verbose_name_plural = _("commission agreements")
        ordering = ["-agreed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="commission_rate_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["agreed", "pending"])
                | models.Q(decided_by__isnull=False),
                name="commission_decision_has_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.rate}"

    @property
    def rate_display(self) -> str:
        """万分之几, as the counter says it: 0.000250 → 2.5‱."""
        return f"{(self.rate * 10000).normalize():f}‱"


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
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class RetentionContactTask(models.Model):
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
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
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


# ---------------------------------------------------------------------------------------
# Early warning (Art. 5–6)
# ---------------------------------------------------------------------------------------


class DailyCustomerMetrics(models.Model):
    """One customer's figures for one trading day, from the core system's daily export
    (`manage.py import_customer_metrics`)."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="daily_metrics"
    )
    date = models.DateField(_("date"))
    assets = models.DecimalField(_("assets"), max_digits=16, decimal_places=2)
    trades_count = models.PositiveIntegerField(_("trades"), default=0)

    class Meta:
        verbose_name = _("daily customer metrics")
        verbose_name_plural = _("daily customer metrics")
        ordering = ["customer", "date"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "date"], name="one_metrics_row_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.date}"


class BranchRetentionSettings(models.Model):
    """The branch's early-warning thresholds. A branch without a row uses the defaults."""

    branch = models.OneToOneField(
        "accounts.Branch",
        on_delete=models.CASCADE,
        related_name="retention_settings",
        verbose_name=_("branch"),
    )
    assets_drop_percent = models.DecimalField(
        _("assets fall by more than (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
    )
    assets_window_days = models.PositiveSmallIntegerField(_("over this many days"), default=30)
    idle_trading_days = models.PositiveSmallIntegerField(
        _("no trades for this many trading days"), default=20
    )
    departure_watch_days = models.PositiveSmallIntegerField(
        _("watch customers of a departed account manager for (days)"), default=90
    )
    deferral_watch_days = models.PositiveSmallIntegerField(
        _("watch customers who deferred for (days)"), default=90
    )
    commitment_days_default = models.PositiveSmallIntegerField(
        _("a commitment is due within (trading days) unless said otherwise"), default=5
    )

    class Meta:
        verbose_name = _("branch retention settings")
        verbose_name_plural = _("branch retention settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assets_drop_percent__gt=0)
                & models.Q(assets_drop_percent__lte=100),
                name="assets_drop_percent_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(assets_window_days__gt=0) & models.Q(idle_trading_days__gt=0),
                name="retention_windows_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.branch)


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Complaint(models.Model):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("customer"),
    )
    received_on = models.DateField(_("received on"))
    summary = models.CharField(_("what the customer complains of"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    resolution = models.TextField(_("how it was resolved"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.summary


class RiskRule(models.TextChoices):
    ASSETS_DROP = "assets_drop", _("Assets fell")
    NO_TRADES = "no_trades", _("No trades")
    MANAGER_DEPARTED = "manager_departed", _("Account manager left")
    OPEN_COMPLAINT = "open_complaint", _("Open complaint")
    RECENT_DEFERRAL = "recent_deferral", _("Recently deferred a transfer")


class AtRiskFlag(models.Model):
    """One rule that fired for one customer on one business day, with the numbers that made
    it fire (`details`), so a reader can see why."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.CASCADE,
        related_name="risk_flags",
        verbose_name=_("customer"),
    )
    rule = models.CharField(_("rule"), max_length=30, choices=RiskRule.choices)
    business_date = models.DateField(_("business date"))
    details = models.JSONField(_("figures"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("at-risk flag")
        verbose_name_plural = _("at-risk flags")
        ordering = ["-business_date", "customer", "rule"]
        indexes = [models.Index(fields=["branch", "business_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "rule", "business_date"], name="one_flag_per_rule_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.rule} {self.business_date}"

    @property
    def explanation(self) -> str:
        from .risk_text import explain_flag

        return explain_flag(self.rule, self.details)


# ---------------------------------------------------------------------------------------
# Monthly analysis (Art. 7)
# ---------------------------------------------------------------------------------------


class MonthlyReport(models.Model):
    """The figures of one month as prepared for the branch's monthly meeting; the page
    computes live figures, this keeps what the meeting saw."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    figures = models.JSONField(_("figures"), default=dict)
    prepared_at = models.DateTimeField(_("prepared at"))

    class Meta:
        verbose_name = _("monthly churn report")
        verbose_name_plural = _("monthly churn reports")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "month"], name="one_report_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="report_month_is_first"),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.month:%Y-%m}"
