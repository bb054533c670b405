"""Revisits in the admin: for looking things up. Every write goes through the pages and
their services (recording a revisit, tightening a rule within the source's limits), so the
admin shows these records read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    EventInvitation,
    RevisitEvent,
    RevisitTask,
    RevisitTaskAuditEntry,
)


class AuditEntryInline(ReadOnlyInline):
    """The task's audit trail: append-only, for everyone, superusers included."""

    model = RevisitTaskAuditEntry
    fk_name = "task"
    fields = (
        "at",
        "actor",
        "action",
        "from_state",
        "to_state",
        "from_owner",
        "to_owner",
        "comment",
        "client_ip",
    )
    verbose_name_plural = _("audit trail")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RevisitTaskAuditEntry]:
        return super().get_queryset(request).select_related("actor", "from_owner", "to_owner")


@admin.register(RevisitTask)
class RevisitTaskAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("due_on", "customer", "reason", "owner", "channel", "status", "done_on")
    list_filter = ("status", "reason", "channel")
    date_hierarchy = "due_on"
    search_fields = ("customer__fund_account", "customer__name")
    list_select_related = ("customer", "customer__branch", "owner")
    inlines = [AuditEntryInline]


class InvitationInline(ReadOnlyInline):
    model = EventInvitation
    fields = ("customer", "invited_by", "invited_at", "attended", "marked_by")


@admin.register(RevisitEvent)
class RevisitEventAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("starts_at", "title", "place", "created_by")
    inlines = [InvitationInline]
