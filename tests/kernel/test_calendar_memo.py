"""Within a page the calendar tables are read once however many places ask for the trading
calendar, and an edit of them within that page is seen at once."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kernel.calendar import TradingCalendar, calendar_outlook
from kernel.memo import page_memo
from kernel.models import ExchangeHoliday

WEDNESDAY = dt.date(2026, 11, 25)


def test_within_a_page_the_calendar_is_read_once(db):
    with page_memo(), CaptureQueriesContext(connection) as queries:
        first = TradingCalendar()
        TradingCalendar()
        calendar_outlook(today=WEDNESDAY)
    assert len(queries) == 1  # the years and the holidays, together, once
    assert first.is_trading_day(WEDNESDAY)


def test_outside_a_page_each_calendar_reads_the_tables_afresh(db):
    with CaptureQueriesContext(connection) as queries:
        TradingCalendar()
        TradingCalendar()
    assert len(queries) == 2


def test_a_holiday_entered_within_the_page_is_seen_by_the_next_calendar(db):
    with page_memo():
        assert TradingCalendar().is_trading_day(WEDNESDAY)
        ExchangeHoliday.objects.create(date=WEDNESDAY, name="临时休市")
        assert not TradingCalendar().is_trading_day(WEDNESDAY)
        ExchangeHoliday.objects.filter(date=WEDNESDAY).delete()
        assert TradingCalendar().is_trading_day(WEDNESDAY)
