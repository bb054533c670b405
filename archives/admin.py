"""The archives in the admin: read-only, branch-scoped. Filed records, the access register,
the events and the destruction records are never edited here (records Art. 6(3), 8(3));
the work is done on the archives pages, through the services. Only the retention rules are
editable, by whoever holds archives.change_retentionrule, and never below twenty years."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_mixins import BranchScopedAdmin, ReadOnlyAdmin, ReadOnlyInline

from .models import (
    AccessLogEntry,
    AccessRequest,
    ArchiveDocument,
    ArchiveEvent,
    ArchiveRecord,
    DestructionRecord,
    DestructionRequest,
    IntegrityCheck,
    IntegrityFinding,
    InventoryCheck,
    InventoryItem,
    RetentionRule,
)


class DocumentInline(ReadOnlyInline):
    model = ArchiveDocument
    fields = (
        "kind",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "destroyed_at",
    )


@admin.register(ArchiveRecord)
class ArchiveRecordAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = (
        "number",
        "title",
        "category",
        "medium",
        "status",
        "business_date",
        "cabinet",
        "box",
        "retention_until",
    )
    list_filter = ("status", "category", "medium", "year")
    search_fields = ("number", "title", "customer__fund_account")
    inlines = [DocumentInline]
    list_select_related = ("customer",)


@admin.register(ArchiveDocument)
class ArchiveDocumentAdmin(ReadOnlyAdmin):
    branch_lookup = "record__branch"
    list_display = ("record", "kind", "content_type", "size", "sha256", "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("record__number", "sha256")
    # No link to the file: files open only on the archives pages, with a grant, watermarked
    # and registered.
    exclude = ("file",)


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("record", "requested_by", "requested_at", "state", "expires_at", "decided_by")
    list_filter = ("state",)
    search_fields = ("record__number", "purpose", "consent_by")


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("at", "user", "action", "record", "document", "purpose", "client_ip")
    list_filter = ("action",)
    search_fields = ("record__number", "purpose")
    date_hierarchy = "at"


@admin.register(ArchiveEvent)
class ArchiveEventAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("at", "actor", "action", "record", "comment")
    list_filter = ("action",)
    date_hierarchy = "at"


class FindingInline(ReadOnlyInline):
    model = IntegrityFinding
    fields = ("document", "file_name", "problem", "expected_sha256", "found_sha256")


@admin.register(IntegrityCheck)
class IntegrityCheckAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = (
        "business_date",
        "checked",
        "intact",
        "mismatched",
        "missing",
        "orphaned",
        "finished_at",
    )
    inlines = [FindingInline]


class InventoryItemInline(ReadOnlyInline):
    model = InventoryItem
    fields = ("record", "cabinet", "box", "found", "checked_by", "checked_at")


@admin.register(InventoryCheck)
class InventoryCheckAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("started_at", "started_by", "state", "finished_at")
    inlines = [InventoryItemInline]


@admin.register(DestructionRequest)
class DestructionRequestAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("__str__", "requested_by", "requested_at", "state", "decided_by")
    list_filter = ("state",)


@admin.register(DestructionRecord)
class DestructionRecordAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("__str__", "executed_at", "executed_by", "approved_by", "paper_method")


@admin.register(RetentionRule)
class RetentionRuleAdmin(BranchScopedAdmin):
    branch_lookup = None  # one rule per category for the whole company
    list_display = ("category", "years", "note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the four categories are seeded; none is added or removed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("category",)
