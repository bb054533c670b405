"""The trading calendar, shared by every branch: the exchanges' holidays are announced late
each year; the calendar keeper enters a year on the calendar page and corrects single days
here. Model permissions decide who may (the calendar keeper's role)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import BranchScopedAdmin
from kernel.models import CalendarYear, ExchangeHoliday


@admin.register(CalendarYear)
class CalendarYearAdmin(BranchScopedAdmin):
    branch_lookup = None  # the exchanges' calendar is the same for every branch
    list_display = ("year", "confirmed", "source", "note", "holiday_count")

    @admin.display(description=_("holidays"))
    def holiday_count(self, obj: CalendarYear) -> int:
        return ExchangeHoliday.objects.filter(date__year=obj.year).count()


@admin.register(ExchangeHoliday)
class ExchangeHolidayAdmin(BranchScopedAdmin):
    branch_lookup = None
    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
