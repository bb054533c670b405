"""The stable codes of the archives' refusals (kernel.errors says what kind each is)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArchiveErrorCode(models.TextChoices):
    BEFORE_CLOSE = "before_close", _("the day is not closed yet (Art. 15)")
    COPY_FAILED = "copy_failed", _("the reader's copy could not be made")
    COPY_PENDING = "copy_pending", _("the reader's copy is being prepared")
    DAMAGED = "damaged", _("the file is damaged")
    DESTROYED = "destroyed", _("the record is destroyed")
    DOCUMENTS_NEEDED = "documents_needed", _("documents are needed for filing")
    DUPLICATE = "duplicate", _("this is already recorded")
    EMPTY = "empty", _("the file is empty")
    ENCRYPTED = "encrypted", _("the file is encrypted")
    EXECUTABLE = "executable", _("the file is a program")
    FILE_TYPE = "file_type", _("the file type is not accepted")
    INTEGRITY = "integrity", _("the file does not match its recorded digest")
    LOCATION_NEEDED = "location_needed", _("a storage location is needed")
    MISSING = "missing", _("the file is missing")
    NOT_APPROVED = "not_approved", _("the destruction is not approved")
    READ_ONLY = "read_only", _("the record is filed and read-only")
    RETENTION_NOT_OVER = "retention_not_over", _("the retention period is not over")
    TOO_LARGE = "too_large", _("the file is too large")
    TOO_MANY_PAGES = "too_many_pages", _("the file has too many pages")
    TOO_MANY_PIXELS = "too_many_pixels", _("the image is too large in pixels")
    WITNESSES_NEEDED = "witnesses_needed", _("witnesses are needed for destruction")
