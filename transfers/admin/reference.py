"""Reference data in the admin: the churn reasons and the closure candidates."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_mixins import (
    BranchScopedAdmin,
    ReadOnlyAdmin,
)

from ..models import (
    ChurnReason,
    ClosureCandidate,
)


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


@admin.register(ClosureCandidate)
class ClosureCandidateAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("business_date", "customer")
    date_hierarchy = "business_date"
    search_fields = ("customer__fund_account",)
    list_select_related = ("customer", "customer__branch")
