"""What the core trading system says of an account, as its daily export loads it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
        db_table = "branch_ops_coreaccountstate"  # kept from when the kernel held it
        verbose_name = _("core-system account state")
        verbose_name_plural = _("core-system account states")

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.as_of}"


class ImportState(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")


class CustomerImport(models.Model):
    """One customer-master export as previewed (core_system/customer_master.py): the digest
    of its bytes binds the later apply to exactly this file; the report says what applying
    it would do (or did), and why it cannot be applied when a line is bad."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    digest = models.CharField(_("SHA-256 of the file"), max_length=64)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    full = models.BooleanField(_("full export"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.PREVIEWED
    )
    rows = models.PositiveIntegerField(_("lines"), default=0)
    new = models.PositiveIntegerField(_("new customers"), default=0)
    changed = models.PositiveIntegerField(_("changed customers"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged customers"), default=0)
    absent = models.PositiveIntegerField(_("absent from a full export"), default=0)
    bad = models.PositiveIntegerField(_("bad lines"), default=0)
    report = models.JSONField(_("report"), default=dict)
    created_by = models.ForeignKey(
        "accounts.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previewed by"),
    )
    created_at = models.DateTimeField(_("previewed at"), auto_now_add=True)
    applied_by = models.ForeignKey(
        "accounts.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # The previewed file, encrypted, in the default storage until it is applied or expires
    # (core_system/staging.py): it holds identity numbers and phones in clear (PIPL Art. 51).
    staged_name = models.CharField(max_length=255, blank=True, editable=False)
    staged_until = models.DateTimeField(_("file kept until"), null=True, blank=True)
    # The background apply's Celery task, whose progress the page shows while it runs.
    task_id = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = _("customer-master import")
        verbose_name_plural = _("customer-master imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["branch", "digest"])]

    def __str__(self) -> str:
        return f"{self.filename or self.digest[:12]} ({self.get_state_display()})"

    @property
    def applicable(self) -> bool:
        return self.state == ImportState.PREVIEWED and self.bad == 0


class CoreFileKind(models.TextChoices):
    # In the order a night's files load: the accounts and figures name customers the
    # customer master may have opened that day.
    CUSTOMERS = "customers", _("Customer master")
    ACCOUNTS = "accounts", _("Account states")
    METRICS = "metrics", _("Daily figures")


class CoreFileState(models.TextChoices):
    LOADED = "loaded", _("Loaded")
    REFUSED = "refused", pgettext_lazy("core-system file", "Refused")


class CoreFile(models.Model):
    """One file the nightly job took from the drop folder (core_system/nightly.py): which
    branch, day and kind its name gave, its SHA-256, and whether it loaded or why not. A
    branch's day has at most one loaded file of each kind, and a file's bytes load once,
    whatever its name: the record stops a second load when the move out of the folder failed."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    business_date = models.DateField(_("business date"))
    kind = models.CharField(_("kind"), max_length=10, choices=CoreFileKind.choices)
    name = models.CharField(_("file name"), max_length=255)
    digest = models.CharField(_("SHA-256 of the file"), max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=CoreFileState.choices)
    # The JobRun's id, not a foreign key: jobs sits beside core_system, and neither app's
    # tables may reach into the other's (README, "Architecture").
    run_id = models.PositiveBigIntegerField(_("job run"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("lines"), default=0)
    counts = models.JSONField(_("counts"), default=dict)
    reason = models.TextField(_("why it was refused"), blank=True)
    report = models.JSONField(_("report"), default=dict)
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("core-system file")
        verbose_name_plural = _("core-system files")
        ordering = ["-taken_at", "-pk"]
        constraints = [
            # A refused file may be followed by its correction; a loaded one may not.
            models.UniqueConstraint(
                fields=["branch", "business_date", "kind"],
                condition=models.Q(state="loaded"),
                name="core_file_one_loaded_per_day_and_kind",
            ),
            models.UniqueConstraint(
                fields=["digest"],
                condition=models.Q(state="loaded"),
                name="core_file_bytes_loaded_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"
