"""The Shanghai/Shenzhen trading calendar (Beijing time, close 15:00).

"Today", "after the close" and "the next day" in the rules are trading days. The calendar
knows a year only once its holidays are entered (seeded from exchange-calendars' XSHG data,
editable in the admin because each year's holidays are announced late). A question about a
date outside the known years raises CalendarUnknown: a deadline must never rest on a guess.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ApplicationError
from .models import CalendarYear, ExchangeHoliday

BEIJING = ZoneInfo("Asia/Shanghai")
MARKET_CLOSE = dt.time(15, 0)


class CalendarUnknown(ApplicationError):
    def __init__(self, day: dt.date) -> None:
        super().__init__(
            _(
                "The trading calendar does not know {date} yet: enter the exchanges' holidays "
                "for {year} in the admin first."
            ).format(date=day.isoformat(), year=day.year),
            code="calendar_unknown",
            details={"date": day.isoformat()},
        )


def beijing_now() -> dt.datetime:
    return timezone.now().astimezone(BEIJING)


def beijing_today() -> dt.date:
    return beijing_now().date()


def close_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, MARKET_CLOSE, tzinfo=BEIJING)


class TradingCalendar:
    """A snapshot of the calendar tables; load once per request or job, then ask freely."""

    def __init__(self) -> None:
        self.known_years = set(CalendarYear.objects.values_list("year", flat=True))
        self.holidays = set(ExchangeHoliday.objects.values_list("date", flat=True))

    def _require_known(self, day: dt.date) -> None:
        if day.year not in self.known_years:
            raise CalendarUnknown(day)

    def is_trading_day(self, day: dt.date) -> bool:
        self._require_known(day)
        # The exchanges never open at weekends, even on the Saturdays that are working days.
        return day.weekday() < 5 and day not in self.holidays

    def next_trading_day(self, day: dt.date) -> dt.date:
        """The first trading day strictly after `day`."""
        candidate = day + dt.timedelta(days=1)
        while not self.is_trading_day(candidate):
            candidate += dt.timedelta(days=1)
        return candidate

    def previous_trading_day(self, day: dt.date) -> dt.date:
        candidate = day - dt.timedelta(days=1)
        while not self.is_trading_day(candidate):
            candidate -= dt.timedelta(days=1)
        return candidate

    def current_or_next_trading_day(self, day: dt.date) -> dt.date:
        return day if self.is_trading_day(day) else self.next_trading_day(day)

    def add_trading_days(self, day: dt.date, count: int) -> dt.date:
        """The count-th trading day after `day` (count >= 0; 0 gives the same or next one)."""
        result = self.current_or_next_trading_day(day)
        for _step in range(count):
            result = self.next_trading_day(result)
        return result

    def trading_days_between(self, start: dt.date, end: dt.date) -> int:
        """Trading days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.trading_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_trading_day(day):
                count += 1
        return count

    def trading_date_of(self, moment: dt.datetime) -> dt.date:
        """The trading day a moment belongs to: after the close, or on a closed day, business
        counts for the next trading day."""
        local = moment.astimezone(BEIJING)
        day = local.date()
        if self.is_trading_day(day) and local.time() < MARKET_CLOSE:
            return day
        return self.next_trading_day(day)


def calendar_seed_from_package(*, first_year: int | None = None) -> tuple[int, int]:
    """Load the XSHG calendar of exchange-calendars into our tables: every full year it
    knows, every weekday it does not trade. Years already entered are left as they are, so
    holidays corrected in the admin survive a re-run. Returns (years added, holidays added)."""
    import exchange_calendars

    xshg = exchange_calendars.get_calendar("XSHG")
    bound = type(xshg).bound_max()
    if bound is not None and bound > xshg.last_session:
        # The package ends its calendars a year from today by default, which can cut its
        # last known year short; the missing weeks would be seeded as holidays (a guess).
        xshg = exchange_calendars.get_calendar("XSHG", end=bound)
    first = max(first_year or 0, xshg.first_session.year + 1)
    last = xshg.last_session.year
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    sessions = {ts.date() for ts in xshg.sessions}
    years_added = holidays_added = 0
    for year in range(first, last + 1):
        if year in existing:
            continue
        day = dt.date(year, 1, 1)
        closed = []
        while day.year == year:
            if day.weekday() < 5 and day not in sessions:
                closed.append(ExchangeHoliday(date=day, name="休市"))
            day += dt.timedelta(days=1)
        ExchangeHoliday.objects.bulk_create(closed, ignore_conflicts=True)
        CalendarYear.objects.create(year=year)
        years_added += 1
        holidays_added += len(closed)
    return years_added, holidays_added
