"""Archive records and their documents, their vocabulary and numbering; read-only once filed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Branch, Customer
from kernel.errors import ApplicationError, InvalidInput
from kernel.workflow import asks
from transfers.models import TransferAuditEntry, TransferRequest, TransferState

from ..errors import ArchiveErrorCode


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
    return InvalidInput(
        gettext(
            "A filed archive record cannot be changed: {what} (records Art. 6(3): nothing may "
            "be altered)."
        ).format(what=what),
        code=ArchiveErrorCode.READ_ONLY,
    )


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
    def is_draft(self) -> bool:
        return self.status == RecordStatus.DRAFT

    @property
    def is_filed(self) -> bool:
        return self.status == RecordStatus.FILED

    @property
    def is_destroyed(self) -> bool:
        return self.status == RecordStatus.DESTROYED

    @property
    def is_paper(self) -> bool:
        return self.medium == Medium.PAPER

    @property
    def awaits_shelving(self) -> bool:
        """Records Art. 5(3): paper not yet in its cabinet and box (the place is set once)."""
        return self.is_paper and not self.location and not self.is_destroyed

    @property
    def awaits_nightly_filing(self) -> bool:
        """A request's papers wait in their draft for the filing after the close (Art. 15)."""
        return self.is_draft and self.transfer_request_id is not None

    @transition(
        field=status,
        source=RecordStatus.DRAFT,
        target=RecordStatus.FILED,
        permission=asks("archives.permissions.may_file_record"),
    )
    def file(self) -> None:
        pass

    @transition(
        field=status,
        source=RecordStatus.FILED,
        target=RecordStatus.DESTROYED,
        permission=asks("archives.permissions.may_destroy_record"),
    )
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
