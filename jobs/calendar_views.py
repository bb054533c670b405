"""The trading calendar's page: how far the confirmed calendar reaches, each year and where
it came from, and — for the calendar keeper only — next year's holidays entered from the
exchanges' announcement, previewed before anything is saved."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Staff
from kernel.calendar import (
    beijing_today,
    calendar_outlook,
    calendar_year_enter,
    calendar_year_summary,
    holiday_ranges_parse,
)
from kernel.errors import ApplicationError
from kernel.models import CalendarYear, ExchangeHoliday
from kernel.web import refusal

from .permissions import may_keep_calendar, may_see_calendar

# A year's announcement is a dozen lines; anything near this is not an announcement.
MAX_ANNOUNCEMENT_BYTES = 20_000


class HolidayEntryForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=_("Announcement"),
        max_length=100,
        help_text=_(
            "The exchanges' notice the dates come from, e.g. 上交所关于2027年休市安排的通知"
        ),
    )
    ranges = forms.CharField(
        label=_("Closures, one range a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "mono"}),
        help_text=_(
            "First date, last date, name — e.g. “2027-02-06 2027-02-14 春节”; one day: "
            "“2027-01-01 元旦”. Weekends inside a range need no line of their own."
        ),
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_("The same lines as text or CSV (start,end,name), UTF-8 or GB18030."),
    )
    digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload:
            if upload.size > MAX_ANNOUNCEMENT_BYTES:
                raise forms.ValidationError(gettext("The file is too large for an announcement."))
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    data["ranges"] = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise forms.ValidationError(gettext("The file is neither UTF-8 nor GB18030 text."))
        if "\x00" in (data.get("ranges") or ""):
            raise forms.ValidationError(gettext("The text holds a NUL character."))
        if not (data.get("ranges") or "").strip():
            raise forms.ValidationError(gettext("Enter the closures or choose a file."))
        return data


def _digest(year: int, source: str, text: str) -> str:
    return hashlib.sha256(f"{year}\n{source}\n{text}".encode()).hexdigest()


def _watcher(request: HttpRequest) -> Staff:
    user: Staff = request.user  # type: ignore[assignment]
    if not may_see_calendar(user):
        raise PermissionDenied
    return user


def _years() -> list[CalendarYear]:
    holidays = ExchangeHoliday.objects.values("date__year").annotate(n=Count("pk"))
    counts = {row["date__year"]: row["n"] for row in holidays}
    years = list(CalendarYear.objects.filter(year__gte=beijing_today().year - 1))
    for entry in years:
        entry.holiday_count = counts.get(entry.year, 0)  # type: ignore[attr-defined]
    return years


def _page(
    request: HttpRequest, user: Staff, form: HolidayEntryForm | None = None, **extra: object
) -> HttpResponse:
    outlook = calendar_outlook()
    if form is None and may_keep_calendar(user):
        form = HolidayEntryForm(initial={"year": outlook.next_year})
    context = {"outlook": outlook, "years": _years(), "form": form, **extra}
    status = 400 if form is not None and form.errors else 200
    return render(request, "calendar/overview.html", context, status=status)


@login_required
def calendar_overview(request: HttpRequest) -> HttpResponse:
    user = _watcher(request)
    if request.method != "POST":
        return _page(request, user)
    if not may_keep_calendar(user):
        raise PermissionDenied
    form = HolidayEntryForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, user, form=form)
    data = form.cleaned_data
    try:
        ranges = holiday_ranges_parse(data["ranges"], year=data["year"])
    except ApplicationError as error:
        for problem in error.details.get("problems", [error.message]):
            form.add_error("ranges", problem)
        return _page(request, user, form=form)
    digest = _digest(data["year"], data["source"], data["ranges"])
    if "save" in request.POST and data["digest"] == digest:
        try:
            calendar_year_enter(
                year=data["year"], ranges=ranges, source=data["source"], entered_by=str(user)
            )
        except ApplicationError as error:
            refusal(request, error, form)
            return _page(request, user, form=form)
        messages.success(
            request,
            gettext("{year} is entered: {n} holidays on record.").format(
                year=data["year"], n=sum(len(r.closed_weekdays()) for r in ranges)
            ),
        )
        return redirect("calendar_overview")
    # Saving is offered only for exactly what was previewed: the digest binds the two steps.
    preview_form = HolidayEntryForm(
        initial={
            "year": data["year"],
            "source": data["source"],
            "ranges": data["ranges"],
            "digest": digest,
        }
    )
    return _page(
        request,
        user,
        form=preview_form,
        preview={
            "year": data["year"],
            "ranges": ranges,
            **calendar_year_summary(data["year"], ranges),
        },
    )
