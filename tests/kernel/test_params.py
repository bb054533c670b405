"""kernel/params.py: a page parameter is clean text, a date or month inside the span the pages
show, or a record number that fits a key — or it is refused with a message naming it; and
kernel.web.RefusalMiddleware answers such a refusal with a page, never a 500."""

import datetime as dt

import pytest
from django import forms
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import translation

from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.params import (
    FIRST_DAY,
    LAST_DAY,
    DayField,
    clean_text,
    date_param,
    month_param,
    path_day,
    query_date,
    query_month,
    query_record_number,
    query_text,
    record_number,
)
from kernel.web import RefusalMiddleware


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_control_characters_are_dropped_from_text_and_it_is_cut_to_length():
    assert clean_text(" 660000\x000001\t") == "6600000001"
    assert clean_text("\x00") == ""
    assert clean_text("张\r\n三") == "张三"
    assert clean_text("x" * 500) == "x" * 100
    assert clean_text(None) == ""


def test_a_query_text_parameter_never_carries_a_nul():
    request = RequestFactory().get("/", {"q": "王\x00五"})
    assert query_text(request, "q") == "王五"
    assert query_text(request, "absent") == ""


@pytest.mark.parametrize("value", ["2026-11-25", "1990-01-01", "2200-12-31"])
def test_an_iso_date_inside_the_span_is_read(value):
    assert date_param(value, name="date") == dt.date.fromisoformat(value)


@pytest.mark.parametrize(
    "value",
    [
        "a/b",
        "0000-00-00",
        "9999-99-99",
        "2026-02-30",
        "20261125",
        "2026-1-5",
        "٢٠٢٦-١١-٢٥",
        "2026-11-\x0025x",
    ],
)
def test_what_is_not_a_date_is_refused_naming_it(value):
    with pytest.raises(InvalidInput, match="is not a date") as refused:
        date_param(value, name="date")
    assert refused.value.details["parameter"] == "date"
    assert "\x00" not in refused.value.message


@pytest.mark.parametrize("value", ["0001-01-01", "1989-12-31", "2201-01-01", "9999-12-31"])
def test_a_date_outside_the_span_is_refused_with_the_span(value):
    with pytest.raises(InvalidInput, match="outside the dates this page shows") as refused:
        date_param(value, name="date")
    assert f"{FIRST_DAY} to {LAST_DAY}" in refused.value.message


def test_an_empty_date_is_none_and_the_query_falls_back_to_its_default():
    assert date_param("  ", name="date") is None
    request = RequestFactory().get("/", {"date": ""})
    assert query_date(request, "date", default=dt.date(2026, 11, 25)) == dt.date(2026, 11, 25)


@pytest.mark.parametrize("value", ["0001-01", "9999-12", "0000-00", "2026-13", "2026-00", "2026"])
def test_a_month_outside_the_span_or_not_a_month_is_refused(value):
    with pytest.raises(InvalidInput, match="is not a month between 1990-01 and 2200-12"):
        month_param(value, name="month")


def test_a_month_is_its_first_day_and_defaults_to_the_given_days_month():
    assert month_param("2026-11", name="month") == dt.date(2026, 11, 1)
    request = RequestFactory().get("/")
    assert query_month(request, "month", default=dt.date(2026, 11, 25)) == dt.date(2026, 11, 1)


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("42", 42),
        (" 42 ", 42),
        ("9223372036854775807", 2**63 - 1),
        ("9223372036854775808", None),  # more than a bigint key holds
        ("99999999999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("²", None),  # str.isdigit() says yes, int() says no
        ("١٢٣", None),  # int() reads it, but no record number is written so
        ("4\x002", 42),
        ("", None),
    ],
)
def test_a_record_number_is_ascii_digits_that_fit_a_key(value, number):
    assert record_number(value) == number
    assert query_record_number(RequestFactory().get("/", {"n": value}), "n") == number


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2026-02-30", "nope", "\x00"])
def test_a_day_in_the_path_that_is_no_day_in_the_span_is_not_found(value):
    with pytest.raises(NotFound):
        path_day(value)
    assert path_day("2026-11-24") == dt.date(2026, 11, 24)


class _RunForm(forms.Form):
    day = DayField()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_form_day_outside_the_span_is_a_form_error(value):
    form = _RunForm({"day": value})
    assert not form.is_valid()
    assert form.errors["day"] == [f"Enter a date between {FIRST_DAY} and {LAST_DAY}."]
    assert _RunForm({"day": "2026-11-25"}).is_valid()


def _raising(error: Exception):
    def view(request):
        raise error

    return view


@pytest.mark.parametrize(
    ("error", "status"), [(InvalidInput("“a/b” is not a date."), 400), (Conflict("Taken."), 409)]
)
def test_a_refusal_no_view_answered_is_a_page_with_its_message(db, rf, error, status):
    request = rf.get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    middleware = RefusalMiddleware(lambda r: HttpResponse())
    response = middleware.process_exception(request, error)
    assert response is not None and response.status_code == status
    assert error.message in response.content.decode().replace("&ldquo;", "“").replace(
        "&rdquo;", "”"
    )


def test_not_found_stays_the_404_and_other_exceptions_pass_through(rf):
    middleware = RefusalMiddleware(lambda r: HttpResponse())
    with pytest.raises(Http404):
        middleware.process_exception(rf.get("/"), NotFound("Not found."))
    assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None
