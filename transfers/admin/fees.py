"""The fee schedule in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_mixins import (
    BranchScopedAdmin,
)

from ..models import (
    FeeSchedule,
)


@admin.register(FeeSchedule)
class FeeScheduleAdmin(BranchScopedAdmin):
    branch_lookup = "branch"
    list_display = ("item", "amount", "branch")
    list_filter = (("branch", admin.RelatedOnlyFieldListFilter),)
    fields = ("branch", "item", "amount")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("branch", "item") if obj is not None else ()
