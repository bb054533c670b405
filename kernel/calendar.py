"""The Shanghai/Shenzhen trading calendar (Beijing time, close 15:00).

"Today", "after the close" and "the next day" in the rules are trading days. The calendar
knows a year only once its holidays are entered (seeded from exchange-calendars' XSHG data,
editable in the admin because each year's holidays are announced late). A question about a
date outside the known years raises CalendarUnknown: a deadline must never rest on a guess.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.models import CalendarYear, ExchangeHoliday

from .errors import Conflict, InvalidInput
from .memo import forget, remembered

BEIJING = ZoneInfo("Asia/Shanghai")
CALENDAR = "kernel.calendar"  # what kernel.memo keeps of the calendar tables for one page
MARKET_CLOSE = dt.time(15, 0)


class CalendarUnknown(InvalidInput):
    """A date outside the known calendar: never guessed."""

    default_code = "calendar_unknown"

    def __init__(self, day: dt.date) -> None:
        super().__init__(
            _(
                "The trading calendar does not know {date} yet: ask the calendar keeper to "
                "enter the exchanges' holidays for {year} (page “Trading calendar”)."
            ).format(date=day.isoformat(), year=day.year),
            details={"date": day.isoformat()},
        )


def beijing_now() -> dt.datetime:
    return timezone.now().astimezone(BEIJING)


def beijing_today() -> dt.date:
    return beijing_now().date()


def close_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, MARKET_CLOSE, tzinfo=BEIJING)


def _years() -> dict[int, bool]:
    """The calendar's years (year -> confirmed), read once per page (kernel.memo); an edit of
    the calendar within the page is seen at once (the signals below forget it)."""
    return _tables()[0]


def _tables() -> tuple[dict[int, bool], frozenset[dt.date]]:
    """Both tables in one statement: a few hundred small rows, and most pages need both."""
    return remembered((CALENDAR, "tables"), _read_tables)


def _read_tables() -> tuple[dict[int, bool], frozenset[dt.date]]:
    q = connection.ops.quote_name
    years_table, holidays_table = CalendarYear._meta.db_table, ExchangeHoliday._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('year')}, {q('confirmed')}, CAST(NULL AS DATE) FROM {q(years_table)} "
            f"UNION ALL SELECT NULL, NULL, {q('date')} FROM {q(holidays_table)}"
        )
        rows = cursor.fetchall()
    years = {year: bool(confirmed) for year, confirmed, _day in rows if year is not None}
    # SQLite answers a date in plain SQL as its ISO text.
    holidays = frozenset(
        day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        for year, _confirmed, day in rows
        if year is None
    )
    return years, holidays


@receiver(post_save, sender=CalendarYear, dispatch_uid="kernel.calendar_memo.year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="kernel.calendar_memo.year_deleted")
@receiver(post_save, sender=ExchangeHoliday, dispatch_uid="kernel.calendar_memo.holiday_saved")
@receiver(post_delete, sender=ExchangeHoliday, dispatch_uid="kernel.calendar_memo.holiday_deleted")
def _calendar_changed(**kwargs: Any) -> None:
    forget(CALENDAR)


class TradingCalendar:
    """A snapshot of the calendar tables; load once per request or job, then ask freely."""

    def __init__(self) -> None:
        years, holidays = _tables()
        self.known_years = set(years)
        self.holidays = set(holidays)

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

    def trading_days_before(self, day: dt.date, count: int) -> dt.date:
        """The count-th trading day before `day` (count >= 0; 0 gives `day` when it trades,
        else the trading day before it)."""
        result = day if self.is_trading_day(day) else self.previous_trading_day(day)
        for _step in range(count):
            result = self.previous_trading_day(result)
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
    # A provisional year is only a stand-in: the package's announced holidays replace it.
    CalendarYear.objects.filter(year__range=(first, last), confirmed=False).delete()
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


# The warning starts this many days before the last confirmed day: the exchanges announce the
# next year's holidays in December, and the counter must never find out on 29 December.
CALENDAR_WARNING_DAYS = 60


@dataclass(frozen=True)
class CalendarOutlook:
    """How far ahead the confirmed calendar reaches from today."""

    today: dt.date
    last_confirmed_day: dt.date
    provisional_years: tuple[int, ...]

    @property
    def days_left(self) -> int:
        return (self.last_confirmed_day - self.today).days

    @property
    def next_year(self) -> int:
        return self.last_confirmed_day.year + 1

    @property
    def warns(self) -> bool:
        return self.days_left <= CALENDAR_WARNING_DAYS


def calendar_outlook(*, today: dt.date | None = None) -> CalendarOutlook:
    """The last day of the unbroken run of confirmed years from today's; provisional years
    (the demo's stand-ins) do not count as confirmed."""
    today = today or beijing_today()
    years = _years()
    year = today.year
    while years.get(year):
        year += 1
    last = dt.date(year, 1, 1) - dt.timedelta(days=1)
    provisional = tuple(sorted(y for y, confirmed in years.items() if not confirmed and y >= year))
    return CalendarOutlook(today=today, last_confirmed_day=last, provisional_years=provisional)


PROVISIONAL_SOURCE = "演示：暂定日历（未经交易所公告确认）"


def calendar_provisional_years(*, today: dt.date) -> list[int]:
    """For the demo only: this year and the next, where unknown, become provisional years with
    no holidays but weekends, so the demo keeps working across a new year. They are marked
    unconfirmed wherever the calendar is shown; a real branch enters the announced holidays."""
    added = []
    for year in (today.year, today.year + 1):
        _entry, created = CalendarYear.objects.get_or_create(
            year=year,
            defaults={
                "confirmed": False,
                "source": PROVISIONAL_SOURCE,
                "note": "仅周末休市；正式使用前须录入交易所公告的休市安排",
            },
        )
        if created:
            added.append(year)
    return added


@dataclass(frozen=True)
class HolidayRange:
    """Consecutive days the exchanges are closed, as an announcement states them (e.g. the
    Spring Festival from a Saturday to the next Sunday but one)."""

    first: dt.date
    last: dt.date
    name: str

    def closed_weekdays(self) -> list[dt.date]:
        """Weekends never trade anyway: only the weekdays are holidays on record."""
        days = (self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1))
        return [day for day in days if day.weekday() < 5]


_DATE = r"(\d{4}-\d{1,2}-\d{1,2})"
_RANGE_LINE = re.compile(
    rf"^{_DATE}(?:\s*(?:~|～|至|到|—|,|，|\s)\s*{_DATE})?(?:\s*[,，\s]\s*(?P<name>.*))?$"
)


def holiday_ranges_parse(text: str, *, year: int) -> list[HolidayRange]:
    """Read an announcement's closures, one range a line: `2027-02-06 2027-02-14 春节`,
    `2027-01-01 元旦`, or the CSV `start,end,name` (a header line is skipped). Every line
    that is wrong is named at once, and nothing is returned unless all are right."""
    ranges: list[HolidayRange] = []
    problems: list[str] = []
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line and not line.startswith("#")]
    if len(lines) > 1 and not re.search(r"\d", lines[0][1]):
        lines = lines[1:]  # a header such as "start,end,name"
    for number, line in lines:
        found = _RANGE_LINE.match(line)
        try:
            if not found:
                raise ValueError(_("write “first date, last date, name”, dates as 2027-01-01"))
            first = dt.date.fromisoformat(_iso(found.group(1)))
            last = dt.date.fromisoformat(_iso(found.group(2) or found.group(1)))
        except ValueError as refused:
            problems.append(_("line {n}: {why}").format(n=number, why=refused))
            continue
        holiday = HolidayRange(first, last, (found.group("name") or "").strip()[:100] or "休市")
        if last < first:
            problems.append(_("line {n}: the last date is before the first").format(n=number))
        elif first.year != year or last.year != year:
            problems.append(_("line {n}: the dates are not in {year}").format(n=number, year=year))
        elif not holiday.closed_weekdays():
            problems.append(
                _(
                    "line {n}: {first} to {last} falls entirely on a weekend, when the "
                    "exchanges are closed anyway: check the dates against the announcement"
                ).format(n=number, first=first, last=last)
            )
        else:
            ranges.append(holiday)
    ranges.sort(key=lambda r: r.first)
    for earlier, later in itertools.pairwise(ranges):
        if later.first <= earlier.last:
            problems.append(
                _("{a} ({a_first} to {a_last}) overlaps {b} ({b_first} to {b_last})").format(
                    a=earlier.name,
                    a_first=earlier.first,
                    a_last=earlier.last,
                    b=later.name,
                    b_first=later.first,
                    b_last=later.last,
                )
            )
    if not lines:
        problems.append(_("No closure is given: enter the announcement's holidays."))
    if problems:
        raise InvalidInput(
            _("The holidays were not saved: {problems}").format(problems="；".join(problems)),
            details={"problems": problems},
        )
    return ranges


def _iso(text: str) -> str:
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def calendar_year_summary(year: int, ranges: list[HolidayRange]) -> dict[str, Any]:
    """What a keeper checks before saving: the closed weekdays and the trading days left."""
    closed = {day for holiday in ranges for day in holiday.closed_weekdays()}
    day, weekdays = dt.date(year, 1, 1), 0
    while day.year == year:
        weekdays += day.weekday() < 5
        day += dt.timedelta(days=1)
    return {"closed_weekdays": len(closed), "trading_days": weekdays - len(closed)}


def calendar_year_enter(
    *, year: int, ranges: list[HolidayRange], source: str, entered_by: str
) -> CalendarYear:
    """Enter a year from the exchanges' announcement: its holidays replace whatever a
    provisional year had, and the year becomes confirmed, in one transaction. A year already
    confirmed is corrected day by day in the admin, never replaced wholesale."""
    with transaction.atomic():
        entry = CalendarYear.objects.select_for_update().filter(year=year).first()
        if entry is not None and entry.confirmed:
            raise Conflict(
                _(
                    "{year} is already confirmed: correct single days in the admin's "
                    "exchange holidays."
                ).format(year=year),
                details={"year": year},
            )
        ExchangeHoliday.objects.filter(date__year=year).delete()
        ExchangeHoliday.objects.bulk_create(
            ExchangeHoliday(date=day, name=holiday.name)
            for holiday in ranges
            for day in holiday.closed_weekdays()
        )
        entry, _created = CalendarYear.objects.update_or_create(
            year=year,
            defaults={
                "confirmed": True,
                "source": source.strip()[:100],
                "note": f"{entered_by} · {beijing_now():%Y-%m-%d %H:%M}"[:200],
            },
        )
    return entry
