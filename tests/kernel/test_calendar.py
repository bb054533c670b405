"""The Shanghai/Shenzhen trading calendar: Beijing time, close at 15:00, holidays from the
exchanges (seeded from exchange-calendars, editable in the admin), and no guessing."""

import datetime as dt
from zoneinfo import ZoneInfo

import exchange_calendars
import pytest

from kernel.calendar import (
    CalendarUnknown,
    TradingCalendar,
    beijing_today,
    calendar_seed_from_package,
)
from kernel.models import CalendarYear, ExchangeHoliday

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def every_day(first: str, last: str):
    day = d(first)
    while day <= d(last):
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    "ask",
    [
        lambda cal: cal.is_trading_day(d("2031-03-03")),
        lambda cal: cal.next_trading_day(d("2026-12-31")),  # the next day is in 2027
        lambda cal: cal.add_trading_days(d("2026-12-30"), 3),
        lambda cal: cal.trading_date_of(at("2026-12-31T15:30:00")),
        lambda cal: cal.previous_trading_day(d("2024-01-02")),  # back into 2023
    ],
    ids=["far-future", "next-into-2027", "add-into-2027", "after-close-new-year", "into-2023"],
)
def test_a_date_in_an_unknown_year_is_an_error_never_a_guess(ask):
    with pytest.raises(CalendarUnknown) as caught:
        ask(TradingCalendar())
    assert caught.value.code == "calendar_unknown"
    assert caught.value.details["date"]


def test_the_last_trading_day_of_a_known_year_is_answered():
    assert TradingCalendar().is_trading_day(d("2026-12-31"))


def test_weekends_never_trade_not_even_the_working_saturdays():
    calendar = TradingCalendar()
    weekend_days = [day for day in every_day("2026-01-01", "2026-12-31") if day.weekday() >= 5]
    assert len(weekend_days) == 104
    assert not any(calendar.is_trading_day(day) for day in weekend_days)
    # Working Saturdays/Sundays around the holidays (调休) are not exchange sessions.
    assert not calendar.is_trading_day(d("2026-02-14"))
    assert not calendar.is_trading_day(d("2026-09-20"))


def test_national_day_2026_is_closed():
    calendar = TradingCalendar()
    assert not any(calendar.is_trading_day(day) for day in every_day("2026-10-01", "2026-10-07"))
    assert calendar.is_trading_day(d("2026-09-30"))
    assert calendar.is_trading_day(d("2026-10-08"))
    assert calendar.next_trading_day(d("2026-09-30")) == d("2026-10-08")


def test_spring_festival_2026_is_closed():
    calendar = TradingCalendar()
    assert not any(calendar.is_trading_day(day) for day in every_day("2026-02-14", "2026-02-23"))
    assert calendar.is_trading_day(d("2026-02-13"))
    assert calendar.is_trading_day(d("2026-02-24"))
    assert calendar.next_trading_day(d("2026-02-13")) == d("2026-02-24")
    assert calendar.previous_trading_day(d("2026-02-24")) == d("2026-02-13")


@pytest.mark.parametrize(
    ("moment", "trading_date"),
    [
        ("2026-11-25T09:30:00", "2026-11-25"),
        ("2026-11-25T14:59:59", "2026-11-25"),
        ("2026-11-25T15:00:00", "2026-11-26"),  # the close: business counts for tomorrow
        ("2026-11-25T22:00:00", "2026-11-26"),
        ("2026-11-27T16:00:00", "2026-11-30"),  # Friday after the close → Monday
        ("2026-11-28T10:00:00", "2026-11-30"),  # Saturday → Monday
        ("2026-09-30T15:30:00", "2026-10-08"),  # after the close before National Day
        ("2026-10-03T10:00:00", "2026-10-08"),  # during the holiday
    ],
)
def test_the_trading_date_of_a_moment_follows_the_close(moment, trading_date):
    assert TradingCalendar().trading_date_of(at(moment)) == d(trading_date)


def test_the_trading_date_is_taken_in_beijing_time():
    # 06:30 UTC is 14:30 in Beijing (before the close); 07:30 UTC is 15:30 (after it).
    utc = dt.UTC
    calendar = TradingCalendar()
    assert calendar.trading_date_of(dt.datetime(2026, 11, 25, 6, 30, tzinfo=utc)) == d("2026-11-25")
    assert calendar.trading_date_of(dt.datetime(2026, 11, 25, 7, 30, tzinfo=utc)) == d("2026-11-26")


def test_today_is_the_beijing_date(frozen_now):
    frozen_now.move_to(dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC))  # 01:00 Thu
    assert beijing_today() == d("2026-11-26")


def test_counting_trading_days_skips_weekends_and_holidays():
    calendar = TradingCalendar()
    assert calendar.add_trading_days(d("2026-11-26"), 2) == d("2026-11-30")
    assert calendar.add_trading_days(d("2026-09-29"), 2) == d("2026-10-08")
    assert calendar.add_trading_days(d("2026-11-28"), 0) == d("2026-11-30")
    assert calendar.trading_days_between(d("2026-09-30"), d("2026-10-09")) == 2
    assert calendar.trading_days_between(d("2026-10-09"), d("2026-09-30")) == -2
    # Back over National Day: the 9th itself, the 8th, then the 30th of September.
    assert calendar.trading_days_before(d("2026-10-09"), 0) == d("2026-10-09")
    assert calendar.trading_days_before(d("2026-10-09"), 2) == d("2026-09-30")
    assert calendar.trading_days_before(d("2026-11-29"), 0) == d("2026-11-27")  # a Sunday


def test_a_holiday_entered_in_the_table_changes_the_answer():
    # E.g. the exchanges announce an extra closing day late in the year.
    assert TradingCalendar().is_trading_day(d("2026-12-24"))
    holiday = ExchangeHoliday.objects.create(date=d("2026-12-24"), name="临时休市")

    calendar = TradingCalendar()
    assert not calendar.is_trading_day(d("2026-12-24"))
    assert calendar.next_trading_day(d("2026-12-23")) == d("2026-12-25")

    holiday.delete()
    assert TradingCalendar().next_trading_day(d("2026-12-23")) == d("2026-12-24")


def test_entering_a_new_year_makes_it_known():
    CalendarYear.objects.create(year=2027, source="admin", note="交易所公告")
    ExchangeHoliday.objects.create(date=d("2027-01-01"), name="元旦")
    calendar = TradingCalendar()
    assert calendar.next_trading_day(d("2026-12-31")) == d("2027-01-04")


def test_reseeding_keeps_the_holidays_corrected_in_the_admin():
    ExchangeHoliday.objects.filter(date=d("2026-10-07")).delete()  # corrected by hand
    assert calendar_seed_from_package(first_year=2024) == (0, 0)
    assert TradingCalendar().is_trading_day(d("2026-10-07"))


def test_the_seed_covers_the_years_the_package_knows():
    known = set(CalendarYear.objects.values_list("year", flat=True))
    assert {2024, 2025, 2026} <= known
    assert ExchangeHoliday.objects.filter(date=d("2026-01-01")).exists()


def test_seeding_never_takes_a_year_the_package_cut_short(monkeypatch):
    # exchange-calendars ends a calendar one year from today unless told otherwise; a year
    # seeded from such a calendar would show every weekday after the cut as a holiday.
    real = exchange_calendars.get_calendar

    def default_end_mid_year(name, start=None, end=None, side=None):
        return real(name, start=start, end=end or "2026-06-30", side=side)

    monkeypatch.setattr(exchange_calendars, "get_calendar", default_end_mid_year)
    ExchangeHoliday.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()

    years, _holidays = calendar_seed_from_package(first_year=2026)

    assert years == 1
    calendar = TradingCalendar()
    assert calendar.is_trading_day(d("2026-12-24"))
    assert not calendar.is_trading_day(d("2026-10-01"))
