"""The in-app inbox, read-only: the system writes notifications, people read them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_mixins import BranchScopedAdmin
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(BranchScopedAdmin):
    branch_lookup = "recipient__branch"
    list_display = ("subject", "recipient", "created_at", "read_at")
    list_filter = ("read_at",)
    search_fields = ("subject",)
    list_select_related = ("recipient",)
    fields = ("recipient", "subject", "body", "link", "created_at", "read_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the system writes notifications; a person only reads them
