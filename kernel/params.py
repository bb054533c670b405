"""A page's parameters, read once and checked, so that nothing a person (or a script) puts in
an address reaches the database or date arithmetic unchecked: text without control
characters (PostgreSQL refuses a NUL in text, SQLite would store it), dates and months inside
the span the branch's records and calendars can hold, record numbers that fit a key.

A value the page cannot use is refused with InvalidInput, naming what was wrong; the pages
answer it with a 400 and the message (kernel.web.RefusalMiddleware). A day in the path that is
not a day is a NotFound: there is no such page.

    month = query_month(request, "month", default=beijing_today())
    q = query_text(request, "q")
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from .errors import InvalidInput, NotFound

# The span of dates a page may ask about: the exchanges opened in December 1990, and the
# archives' years run to 2200 (archives.forms.RecordSearchForm). Inside it a page may step a
# day or a year either way without leaving what Python's dates can hold.
FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2200, 12, 31)
# A search term, a name, an account or identity number: nothing longer means anything.
TEXT_MAX = 100
# What PostgreSQL's bigint keys hold.
RECORD_NUMBER_MAX = 2**63 - 1

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_MONTH = re.compile(r"\d{4}-\d{2}", re.ASCII)
_DIGITS = re.compile(r"\d{1,19}", re.ASCII)
_ECHO_MAX = 40


def clean_text(value: str | None, *, max_length: int = TEXT_MAX) -> str:
    """The text with control characters (NUL, tabs, line breaks …) removed, trimmed and cut
    to `max_length`. A search term holds none of them; they come from a paste or a script."""
    text = "".join(ch for ch in (value or "") if unicodedata.category(ch) != "Cc")
    return text.strip()[:max_length]


def _echo(value: str) -> str:
    """The refused value as the message repeats it: printable, and short."""
    text = clean_text(value, max_length=_ECHO_MAX + 1)
    return text if len(text) <= _ECHO_MAX else text[:_ECHO_MAX] + "…"


def _refuse(message: str, *, name: str, value: str) -> InvalidInput:
    return InvalidInput(message, details={"parameter": name, "value": _echo(value)})


def date_param(value: str | None, *, name: str) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) between FIRST_DAY and LAST_DAY; None when empty."""
    text = clean_text(value)
    if not text:
        return None
    day = None
    if _DAY.fullmatch(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
    if day is None:
        raise _refuse(
            gettext("“{value}” is not a date (YYYY-MM-DD).").format(value=_echo(text)),
            name=name,
            value=text,
        )
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _refuse(
            gettext("{day} is outside the dates this page shows ({first} to {last}).").format(
                day=day, first=FIRST_DAY, last=LAST_DAY
            ),
            name=name,
            value=text,
        )
    return day


def month_param(value: str | None, *, name: str) -> dt.date | None:
    """A month (YYYY-MM) as its first day, between FIRST_DAY's and LAST_DAY's months; None
    when empty."""
    text = clean_text(value)
    if not text:
        return None
    month = None
    if _MONTH.fullmatch(text):
        year, number = (int(part) for part in text.split("-"))
        if 1 <= number <= 12 and FIRST_DAY.year <= year <= LAST_DAY.year:
            month = dt.date(year, number, 1)
    if month is None:
        raise _refuse(
            gettext("“{value}” is not a month between {first:%Y-%m} and {last:%Y-%m}.").format(
                value=_echo(text), first=FIRST_DAY, last=LAST_DAY
            ),
            name=name,
            value=text,
        )
    return month


def record_number(value: str | None) -> int | None:
    """A record's number as typed (ASCII digits that fit a key), else None: "²" or "١٢"
    pass str.isdigit() but are no number a record carries."""
    text = clean_text(value)
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= RECORD_NUMBER_MAX else None


def path_day(value: str) -> dt.date:
    """A day in the page's address: any other text there is no page at all (a 404)."""
    try:
        day = date_param(value, name="day")
    except InvalidInput:
        day = None
    if day is None:
        raise NotFound(gettext("Not found."))
    return day


# Lazy: read in the language of the page that shows it.
SPAN_MESSAGE = format_lazy(
    gettext_lazy("Enter a date between {first} and {last}."), first=FIRST_DAY, last=LAST_DAY
)


class DayField(forms.DateField):
    """A form's date inside the span a page can show (FIRST_DAY to LAST_DAY): a run of a job
    for the year 1, a filter for 9999, a revisit recorded on either, is a form error, not a
    failed run or a crash in the date arithmetic behind the form. A field's own rule (a due
    date not before today, a contact not in the future) stays its service's."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.validators.append(MinValueValidator(FIRST_DAY, message=SPAN_MESSAGE))
        self.validators.append(MaxValueValidator(LAST_DAY, message=SPAN_MESSAGE))


class DayTimeField(forms.DateTimeField):
    """A form's date and time on a day inside the same span: the year 1 in Beijing is the
    year 0 in UTC, which no Python datetime holds, and the database keeps datetimes in UTC."""

    def validate(self, value: dt.datetime | None) -> None:
        super().validate(value)
        if value is not None and not FIRST_DAY <= value.date() <= LAST_DAY:
            raise forms.ValidationError(SPAN_MESSAGE, code="out_of_span")


def query_text(request: HttpRequest, name: str, *, max_length: int = TEXT_MAX) -> str:
    return clean_text(request.GET.get(name), max_length=max_length)


def query_date(
    request: HttpRequest, name: str, *, default: dt.date | None = None
) -> dt.date | None:
    return date_param(request.GET.get(name), name=name) or default


def query_month(request: HttpRequest, name: str, *, default: dt.date) -> dt.date:
    """The month asked for, or `default`'s month when none is."""
    return month_param(request.GET.get(name), name=name) or default.replace(day=1)


def query_record_number(request: HttpRequest, name: str) -> int | None:
    return record_number(request.GET.get(name))
