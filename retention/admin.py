"""The churn-reason taxonomy (Art. 20–28), shared by every branch."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_mixins import BranchScopedAdmin

from .models import ChurnReason


@admin.register(ChurnReason)
class ChurnReasonAdmin(BranchScopedAdmin):
    branch_lookup = None  # one taxonomy for the whole firm
    list_display = ("code", "name_zh", "name_en", "article", "active", "sort_order")
    list_editable = ("active", "sort_order")
    list_filter = ("active",)
    search_fields = ("code", "name_zh", "name_en")
    fields = ("code", "name_zh", "name_en", "article", "active", "sort_order")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Requests and reports refer to a reason by its code: once made, it stays. A reason
        # no longer used is made inactive, not renamed.
        return ("code",) if obj is not None else ()


from . import admin_retention  # noqa: E402, F401 — the retention models' admin
