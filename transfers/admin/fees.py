"""The fee schedule in the admin. Art. 12 names only the custody-transfer fee: a revocation or
closure fee other than 0 is a form error, in the words of transfers/fees.py, before the
database's own constraint would refuse it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_mixins import (
    BranchScopedAdmin,
)

from ..fees import fee_amount_problem
from ..models import (
    FeeSchedule,
)


class FeeScheduleForm(forms.ModelForm):
    class Meta:
        model = FeeSchedule
        fields = ("branch", "item", "amount")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # On a change the item is read-only, so not in the form: the row's own then.
        item = data.get("item") or self.instance.item
        problem = fee_amount_problem(item, data.get("amount"))
        if problem:
            self.add_error("amount", problem)
        return data


@admin.register(FeeSchedule)
class FeeScheduleAdmin(BranchScopedAdmin):
    form = FeeScheduleForm
    branch_lookup = "branch"
    list_display = ("item", "amount", "branch")
    list_filter = (("branch", admin.RelatedOnlyFieldListFilter),)
    fields = ("branch", "item", "amount")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("branch", "item") if obj is not None else ()
