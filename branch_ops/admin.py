"""The trading calendar (shared by every branch: the exchanges' holidays are announced late
each year and entered here), the core system's daily export, and the inbox."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .admin_mixins import BranchScopedAdmin, PiiSearchAdminMixin
from .models import CalendarYear, CoreAccountState, ExchangeHoliday, Notification


@admin.register(CalendarYear)
class CalendarYearAdmin(BranchScopedAdmin):
    branch_lookup = None  # the exchanges' calendar is the same for every branch
    list_display = ("year", "source", "note", "holiday_count")

    @admin.display(description=_("holidays"))
    def holiday_count(self, obj: CalendarYear) -> int:
        return ExchangeHoliday.objects.filter(date__year=obj.year).count()


@admin.register(ExchangeHoliday)
class ExchangeHolidayAdmin(BranchScopedAdmin):
    branch_lookup = None
    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(CoreAccountState)
class CoreAccountStateAdmin(PiiSearchAdminMixin, BranchScopedAdmin):
    branch_lookup = "customer__branch"
    list_display = (
        "customer",
        "as_of",
        "last_order_date",
        "open_bond_repo",
        "repo_registration_open",
        "ipo_funds_frozen",
        "sz_holdings_in_custody",
        "interest_settled",
        "cash_balance",
    )
    list_filter = (
        "as_of",
        "open_bond_repo",
        "repo_registration_open",
        "ipo_funds_frozen",
        "interest_settled",
    )
    search_fields = ("=customer__fund_account",)  # the identity number: PiiSearchAdminMixin
    list_select_related = ("customer", "customer__branch")
    autocomplete_fields = ("customer",)
    # The stand-in for the core system's password check is never shown or typed here.
    exclude = ("trading_password_hash",)


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
