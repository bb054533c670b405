"""The customer records (客户档案): archive records and their files, consented access and its
log, integrity checks, inventories and approved destruction.

Articles cited as "records Art. n" are those of the customer-records management part of the
source (客户档案管理制度); plain "Art. n" is the core part (营业部客户流失应对规范).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Branch, Customer
from accounts.roles import Role
from kernel.audit import AppendOnlyModel
from kernel.errors import ApplicationError
from kernel.models import Decision
from transfers.models import TransferAuditEntry, TransferRequest, TransferState

# Securities law: customer records are kept for at least twenty years. No rule may go lower.
MIN_RETENTION_YEARS = 20


class Category(models.TextChoices):
    """Records Art. 2, 4."""

    INDIVIDUAL = "individual", _("Individual customer records")
    INSTITUTION = "institution", _("Institution customer records")
    TRANSACTION = "transaction", _("Transaction records")
    ACCOUNT = "account", _("Account records")


# The category's part of the archive number: short, Latin, stable.
CATEGORY_CODES: dict[str, str] = {
    Category.INDIVIDUAL: "IND",
    Category.INSTITUTION: "INS",
    Category.TRANSACTION: "TX",
    Category.ACCOUNT: "ACC",
}


class Medium(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    FILED = "filed", _("Filed")
    DESTROYED = "destroyed", _("Destroyed")


class DestructionMethod(models.TextChoices):
    """Records Art. 8(2): so that nothing can be recovered."""

    SHREDDING = "shredding", _("Shredding")
    BURNING = "burning", _("Burning")
    SECURE_DELETION = "secure_deletion", _("Secure deletion of the files")


PAPER_METHODS = (DestructionMethod.SHREDDING, DestructionMethod.BURNING)


def _read_only(what: str) -> ApplicationError:
    return ApplicationError(
        gettext(
            "A filed archive record cannot be changed: {what} (records Art. 6(3): nothing may "
            "be altered)."
        ).format(what=what),
        code="read_only",
    )


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


class ArchiveCounter(models.Model):
    """Archive numbers run without gaps per branch, category and year: the row is locked and
    advanced in the filing transaction, so a rolled-back filing leaves no hole."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "category", "year"], name="one_archive_counter_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch_id}/{self.category}/{self.year}: {self.last_number}"


# What may still be written to a filed record: where the paper sits (set once), the retention
# date once the relationship ends (set once, never shortened), and its destruction.
RECORD_LATE_FIELDS = frozenset(
    {
        "cabinet",
        "box",
        "relationship_ended_on",
        "retention_until",
        "status",
        "destroyed_at",
        "destruction_method",
        "destruction",
    }
)


class ArchiveRecordQuerySet(models.QuerySet["ArchiveRecord"]):
    def for_branch(self, branch: Branch) -> ArchiveRecordQuerySet:
        return self.filter(branch=branch)

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) - RECORD_LATE_FIELDS and self.exclude(status=RecordStatus.DRAFT).exists():
            raise _read_only(", ".join(sorted(set(kwargs) - RECORD_LATE_FIELDS)))
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=RecordStatus.DRAFT).exists():
            raise _read_only(gettext("it cannot be deleted"))
        return super().delete()


class ArchiveRecord(FSMModelMixin, models.Model):
    """One archive record (档案): its number, what it is, where the paper sits, how long it is
    kept, and its documents. Read-only once filed."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="archive_records", verbose_name=_("branch")
    )
    # NULL, not "", until filed: many drafts, but each filed number once.
    number = models.CharField(  # noqa: DJ001
        _("archive number"), max_length=40, unique=True, null=True
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    medium = models.CharField(_("medium"), max_length=20, choices=Medium.choices)
    status = FSMField(
        _("status"), default=RecordStatus.DRAFT, choices=RecordStatus.choices, protected=True
    )
    title = models.CharField(_("title"), max_length=200)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="archive_records",
        verbose_name=_("customer"),
    )
    transfer_request = models.ForeignKey(
        TransferRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="archive_records",
        verbose_name=_("transfer request"),
    )
    # The audit entry of the transition that ended the request (complete, stays, refuse,
    # defer): the nightly filing files each ending once.
    ending_entry = models.ForeignKey(
        TransferAuditEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ending"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=TransferState.choices, blank=True
    )
    business_date = models.DateField(_("business day"), null=True, blank=True, db_index=True)
    cabinet = models.CharField(_("cabinet"), max_length=40, blank=True)
    box = models.CharField(_("box"), max_length=40, blank=True)
    relationship_ended_on = models.DateField(_("relationship ended on"), null=True, blank=True)
    retention_until = models.DateField(_("kept until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    destruction_method = models.CharField(
        _("destroyed by"), max_length=20, choices=DestructionMethod.choices, blank=True
    )
    destruction = models.ForeignKey(
        "DestructionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="destroyed_records",
        verbose_name=_("destruction"),
    )

    objects = ArchiveRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")
        ordering = ["-filed_at", "-pk"]
        permissions = [("view_archive_files", _("Can open the files of an archive record"))]
        indexes = [
            models.Index(fields=["branch", "status"]),
            models.Index(fields=["branch", "cabinet", "box"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "category", "year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="archive_number_once_per_branch_category_year",
            ),
            # The nightly filing files each ending of a request once, however often it runs.
            models.UniqueConstraint(
                fields=["transfer_request", "category", "ending_entry"],
                condition=models.Q(transfer_request__isnull=False, ending_entry__isnull=False),
                name="request_ending_filed_once",
            ),
            # Scans uploaded for a request wait in one draft until the filing.
            models.UniqueConstraint(
                fields=["transfer_request", "category"],
                condition=models.Q(transfer_request__isnull=False, status="draft"),
                name="one_draft_per_request",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(number__isnull=False),
                name="filed_record_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or gettext("draft #{pk}").format(pk=self.pk)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Guard on every ORM path, whatever the caller: a filed record keeps its content.
        if not self._state.adding and self.pk is not None:
            stored = (
                type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
            )
            if stored is not None and stored != RecordStatus.DRAFT:
                fields = kwargs.get("update_fields")
                if fields is None or set(fields) - RECORD_LATE_FIELDS:
                    changed = sorted(set(fields or ["*"]) - RECORD_LATE_FIELDS)
                    raise _read_only(", ".join(changed))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status != RecordStatus.DRAFT:
            raise _read_only(gettext("it cannot be deleted"))
        return super().delete(*args, **kwargs)

    @property
    def location(self) -> str:
        return " / ".join(p for p in (self.cabinet, self.box) if p)

    @property
    def is_filed(self) -> bool:
        return self.status == RecordStatus.FILED

    @transition(field=status, source=RecordStatus.DRAFT, target=RecordStatus.FILED)
    def file(self) -> None:
        pass

    @transition(field=status, source=RecordStatus.FILED, target=RecordStatus.DESTROYED)
    def destroy(self) -> None:
        pass


class DocumentKind(models.TextChoices):
    BUSINESS_FORM = "business_form", _("Business form")
    RECEIPT = "receipt", _("Receipt")
    IDENTITY_COPY = "identity_copy", _("Identity document copy (scan)")
    AUTHORISATION = "authorisation", _("Authorisation (scan)")
    MEMO = "memo", _("Work memo")
    OTHER = "other", _("Other")


# Kinds a person uploads; the others are generated by the filing.
SCAN_KINDS = (DocumentKind.IDENTITY_COPY, DocumentKind.AUTHORISATION, DocumentKind.OTHER)
DOCUMENT_LATE_FIELDS = frozenset({"destroyed_at"})


def _sealed(record_id: int | None) -> bool:
    if record_id is None:
        return False
    status = (
        ArchiveRecord._base_manager.filter(pk=record_id).values_list("status", flat=True).first()
    )
    return status is not None and status != RecordStatus.DRAFT


class ArchiveDocumentQuerySet(models.QuerySet["ArchiveDocument"]):
    def update(self, **kwargs: Any) -> int:
        if (
            set(kwargs) - DOCUMENT_LATE_FIELDS
            and self.exclude(record__status=RecordStatus.DRAFT).exists()
        ):
            raise _read_only(", ".join(sorted(set(kwargs) - DOCUMENT_LATE_FIELDS)))
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(record__status=RecordStatus.DRAFT).exists():
            raise _read_only(gettext("its documents cannot be removed"))
        return super().delete()


class ArchiveDocument(models.Model):
    """One file of a record, stored through Django's storage API, with its SHA-256."""

    record = models.ForeignKey(
        ArchiveRecord, on_delete=models.PROTECT, related_name="documents", verbose_name=_("record")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    generated = models.BooleanField(_("generated by the filing"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    objects = ArchiveDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("archive document")
        verbose_name_plural = _("archive documents")
        ordering = ["record", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.record})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if _sealed(self.record_id):
            if self._state.adding:
                raise _read_only(gettext("no document can be added"))
            fields = kwargs.get("update_fields")
            if fields is None or set(fields) - DOCUMENT_LATE_FIELDS:
                raise _read_only(gettext("its documents cannot be changed"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if _sealed(self.record_id):
            raise _read_only(gettext("its documents cannot be removed"))
        return super().delete(*args, **kwargs)


class ConsentRelation(models.TextChoices):
    CUSTOMER = "customer", _("The customer")
    AUTHORISED = "authorised", _("A person the customer authorised")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("In writing")
    IN_PERSON = "in_person", _("In person at the branch")
    PHONE = "phone", _("By recorded phone call")
    ELECTRONIC = "electronic", _("Electronically")


class AccessState(models.TextChoices):
    PENDING = "pending", _("Waiting for the archivist")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


def _is_branch_archivist(instance: Any, user: Any) -> bool:
    return user.branch_id == instance.branch_id and user.has_role(Role.ARCHIVIST)


def _nobody(instance: Any, user: Any) -> bool:
    """Transitions only the services take on their own (expiry)."""
    return False


class AccessRequest(FSMModelMixin, Decision):
    """Records Art. 6(1): a staff member asks to open a record's files, stating why and the
    customer's (or their authorised person's) consent; the archivist grants it for a limited
    time as an object permission on the record."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(
        ArchiveRecord,
        on_delete=models.PROTECT,
        related_name="access_requests",
        verbose_name=_("record"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="archive_access_requests",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    purpose = models.TextField(_("purpose"))
    consent_by = models.CharField(_("consent given by"), max_length=100)
    consent_relation = models.CharField(
        _("who that is"), max_length=20, choices=ConsentRelation.choices
    )
    consent_method = models.CharField(
        _("how consent was given"), max_length=20, choices=ConsentMethod.choices
    )
    consent_at = models.DateTimeField(_("consent given at"))
    consent_reference = models.CharField(
        _("consent reference (letter, call record)"), max_length=200, blank=True
    )
    state = FSMField(
        _("state"), default=AccessState.PENDING, choices=AccessState.choices, protected=True
    )
    expires_at = models.DateTimeField(_("access until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["branch", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="granted") | models.Q(expires_at__isnull=False),
                name="granted_access_expires",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record} / {self.requested_by}"

    @property
    def is_live(self) -> bool:
        return (
            self.state == AccessState.GRANTED
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    @transition(
        field=state,
        source=AccessState.PENDING,
        target=AccessState.GRANTED,
        permission=_is_branch_archivist,
    )
    def grant(self) -> None:
        pass

    @transition(
        field=state,
        source=AccessState.PENDING,
        target=AccessState.REFUSED,
        permission=_is_branch_archivist,
    )
    def refuse(self) -> None:
        pass

    @transition(
        field=state,
        source=AccessState.GRANTED,
        target=AccessState.REVOKED,
        permission=_is_branch_archivist,
    )
    def revoke(self) -> None:
        pass

    @transition(
        field=state, source=AccessState.GRANTED, target=AccessState.EXPIRED, permission=_nobody
    )
    def expire(self) -> None:
        pass


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")
    REFUSED = "refused", _("Refused (no valid grant)")


class AccessLogEntry(AppendOnlyModel):
    """Records Art. 6(2): the access register (查阅登记). Who, when, which file, why."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    record = models.ForeignKey(
        ArchiveRecord, on_delete=models.PROTECT, related_name="access_log", verbose_name=_("record")
    )
    document = models.ForeignKey(
        ArchiveDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("file"),
    )
    access_request = models.ForeignKey(
        AccessRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        verbose_name=_("access request"),
    )
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    purpose = models.TextField(_("purpose"), blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.record}"


EVENT_LABELS = {
    "draft_created": _("Draft created"),
    "draft_discarded": _("Draft discarded"),
    "scan_uploaded": _("Scan stored"),
    "scan_removed": _("Scan removed from the draft"),
    "shelved": _("Shelved"),
    "filed": _("Filed"),
    "access_requested": _("Access requested"),
    "access_granted": _("Access granted"),
    "access_refused": _("Access refused"),
    "access_revoked": _("Access revoked"),
    "access_expired": _("Access expired"),
    "inventory_started": _("Inventory started"),
    "inventory_finished": _("Inventory finished"),
    "destruction_requested": _("Destruction requested"),
    "destruction_approved": _("Destruction approved"),
    "destruction_rejected": _("Destruction rejected"),
    "destruction_executed": _("Destroyed"),
}


class ArchiveEvent(AppendOnlyModel):
    """The archives' audit trail: filings, grants, inventories, destructions."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=40)
    record = models.ForeignKey(
        ArchiveRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    access_request = models.ForeignKey(
        AccessRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    destruction_request = models.ForeignKey(
        "DestructionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    comment = models.TextField(_("comment"), blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive event")
        verbose_name_plural = _("archive events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        """The stored code stays stable; people read its name."""
        return str(EVENT_LABELS.get(self.action, self.action))


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
        return self.mismatched + self.missing


class IntegrityProblem(models.TextChoices):
    MISMATCH = "mismatch", _("Content changed (SHA-256 differs)")
    MISSING = "missing", _("File missing")


class IntegrityFinding(models.Model):
    check_run = models.ForeignKey(IntegrityCheck, on_delete=models.CASCADE, related_name="findings")
    document = models.ForeignKey(ArchiveDocument, on_delete=models.PROTECT, related_name="+")
    problem = models.CharField(_("problem"), max_length=20, choices=IntegrityProblem.choices)
    expected_sha256 = models.CharField(_("expected SHA-256"), max_length=64)
    found_sha256 = models.CharField(_("found SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("integrity finding")
        verbose_name_plural = _("integrity findings")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.document} {self.problem}"


class InventoryState(models.TextChoices):
    OPEN = "open", _("Being checked")
    FINISHED = "finished", _("Finished")


class InventoryCheck(FSMModelMixin, models.Model):
    """Records Art. 7(2): the periodic inventory (盘点) of the paper records."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    state = FSMField(
        _("state"), default=InventoryState.OPEN, choices=InventoryState.choices, protected=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finished by"),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("inventory")
        verbose_name_plural = _("inventories")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.started_at:%Y-%m-%d}"

    @transition(
        field=state,
        source=InventoryState.OPEN,
        target=InventoryState.FINISHED,
        permission=_is_branch_archivist,
    )
    def finish(self) -> None:
        pass


class InventoryItem(models.Model):
    check_run = models.ForeignKey(InventoryCheck, on_delete=models.CASCADE, related_name="items")
    record = models.ForeignKey(ArchiveRecord, on_delete=models.PROTECT, related_name="+")
    cabinet = models.CharField(_("cabinet"), max_length=40, blank=True)
    box = models.CharField(_("box"), max_length=40, blank=True)
    found = models.BooleanField(_("found"), null=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory items")
        ordering = ["cabinet", "box", "record__number"]
        constraints = [
            models.UniqueConstraint(fields=["check_run", "record"], name="inventory_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.found}"


class DestructionState(models.TextChoices):
    PENDING = "pending", _("Waiting for the company head")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXECUTED = "executed", _("Executed")


def _is_branch_company_head(instance: Any, user: Any) -> bool:
    return user.branch_id == instance.branch_id and user.has_role(Role.COMPANY_HEAD)


class DestructionRequest(FSMModelMixin, Decision):
    """Records Art. 8: a list of records past their retention date, approved by the company
    head, then destroyed so that nothing can be recovered."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    records = models.ManyToManyField(
        ArchiveRecord, related_name="destruction_requests", verbose_name=_("records")
    )
    reason = models.TextField(_("reason"))
    paper_method = models.CharField(
        _("method for paper"),
        max_length=20,
        choices=[(m.value, m.label) for m in PAPER_METHODS],
        default=DestructionMethod.SHREDDING,
    )
    state = FSMField(
        _("state"),
        default=DestructionState.PENDING,
        choices=DestructionState.choices,
        protected=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("destruction request")
        verbose_name_plural = _("destruction requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return gettext("Destruction #{pk}").format(pk=self.pk)

    @transition(
        field=state,
        source=DestructionState.PENDING,
        target=DestructionState.APPROVED,
        permission=_is_branch_company_head,
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=DestructionState.PENDING,
        target=DestructionState.REJECTED,
        permission=_is_branch_company_head,
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=DestructionState.APPROVED,
        target=DestructionState.EXECUTED,
        permission=_is_branch_archivist,
    )
    def execute(self) -> None:
        pass


class DestructionRecord(AppendOnlyModel):
    """Records Art. 8(3): the destruction record, kept for good. A snapshot, so it reads the
    same whatever happens to the rows it names."""

    destruction_request = models.OneToOneField(
        DestructionRequest, on_delete=models.PROTECT, related_name="destruction_record"
    )
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    executed_at = models.DateTimeField(_("destroyed at"))
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("destroyed by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"))
    paper_method = models.CharField(
        _("method for paper"), max_length=20, choices=DestructionMethod.choices
    )
    file_method = models.CharField(
        _("method for files"),
        max_length=20,
        choices=DestructionMethod.choices,
        default=DestructionMethod.SECURE_DELETION,
    )
    witnesses = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("witnesses")
    )
    witness_names = models.CharField(_("witnesses"), max_length=300)
    items = models.JSONField(_("what was destroyed"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")
        ordering = ["-executed_at", "-pk"]

    def __str__(self) -> str:
        return gettext("Destruction record #{pk}").format(pk=self.destruction_request_id)
