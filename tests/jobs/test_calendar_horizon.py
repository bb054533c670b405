"""The calendar never surprises: its end is warned of in advance, next year's holidays are
entered from the announcement by the one firm-wide role that keeps it, previewed before they
are saved, and the demo keeps working across a new year (marked provisional, never hidden)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Staff
from accounts.roles import Role
from jobs.registry import job_run
from kernel.calendar import (
    CALENDAR_WARNING_DAYS,
    CalendarUnknown,
    TradingCalendar,
    calendar_outlook,
    calendar_provisional_years,
    calendar_seed_from_package,
    calendar_year_enter,
    holiday_ranges_parse,
)
from kernel.errors import ApplicationError
from kernel.models import CalendarYear, ExchangeHoliday
from notifications.models import Notification
from tests.accounts.factories import BranchFactory, StaffFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
ANNOUNCEMENT_2027 = """start,end,name
2027-01-01,2027-01-01,元旦
2027-02-06 2027-02-14 春节
2027-04-05 清明节
2027-05-01~2027-05-05 劳动节
2027-06-09 2027-06-09 端午节
2027-09-15 中秋节
2027-10-01 至 2027-10-07 国庆节
"""


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def signed_in(*roles: Role) -> tuple[Client, object]:
    person = StaffFactory(branch=BranchFactory(code="SZ001"), roles=list(roles))
    client = Client()
    client.force_login(person)
    return client, person


def test_the_outlook_counts_to_the_last_confirmed_day_and_warns_from_sixty_days_before():
    assert calendar_outlook(today=d("2026-11-01")).last_confirmed_day == d("2026-12-31")
    assert calendar_outlook(today=d("2026-11-01")).days_left == CALENDAR_WARNING_DAYS
    assert calendar_outlook(today=d("2026-11-01")).warns
    assert not calendar_outlook(today=d("2026-10-31")).warns


def test_a_provisional_year_keeps_deadlines_computable_but_is_not_confirmed():
    assert calendar_provisional_years(today=d("2026-12-30")) == [2027]
    calendar = TradingCalendar()
    assert calendar.next_trading_day(d("2026-12-31")) == d("2027-01-01")  # no holiday known
    outlook = calendar_outlook(today=d("2026-12-30"))
    assert outlook.last_confirmed_day == d("2026-12-31")
    assert outlook.provisional_years == (2027,)
    assert outlook.warns
    assert calendar_provisional_years(today=d("2026-12-30")) == []  # once only


def test_the_package_replaces_a_provisional_year_with_its_announced_holidays():
    CalendarYear.objects.filter(year=2026).update(confirmed=False, source="stand-in")
    ExchangeHoliday.objects.filter(date__year=2026).delete()
    calendar_seed_from_package(first_year=2026)
    assert CalendarYear.objects.get(year=2026).confirmed
    assert ExchangeHoliday.objects.filter(date=d("2026-10-01")).exists()


def test_an_unknown_date_says_whom_to_ask():
    with pytest.raises(CalendarUnknown) as caught:
        TradingCalendar().is_trading_day(d("2027-01-04"))
    assert "calendar keeper" in caught.value.message or "维护" in caught.value.message


def test_an_announcement_is_read_range_by_range_with_weekends_left_out():
    ranges = holiday_ranges_parse(ANNOUNCEMENT_2027, year=2027)
    assert [r.name for r in ranges][:2] == ["元旦", "春节"]
    spring = ranges[1]
    # 6 Feb 2027 is a Saturday: the nine days close five weekdays.
    assert spring.closed_weekdays() == [d(f"2027-02-{n:02d}") for n in (8, 9, 10, 11, 12)]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2027-02-06 2027-02-14 春节\n2027-02-10 2027-02-12 重复", "overlaps"),
        ("2027-05-05 2027-05-01 劳动节", "before the first"),
        ("2028-01-03 元旦", "not in 2027"),
        ("2027-01-02 2027-01-03 周末", "weekend"),
        ("2027-13-01 错误", "line 1"),
        ("元旦 一月一日", "line 1"),
        ("", "No closure"),
    ],
    ids=["overlap", "reversed", "other-year", "weekend-only", "bad-date", "no-date", "empty"],
)
def test_a_wrong_announcement_is_refused_with_what_is_wrong(text, words):
    with pytest.raises(ApplicationError) as caught:
        holiday_ranges_parse(text, year=2027)
    assert words in caught.value.message


def test_entering_a_year_replaces_a_provisional_one_and_confirms_it():
    calendar_provisional_years(today=d("2026-12-30"))
    ranges = holiday_ranges_parse(ANNOUNCEMENT_2027, year=2027)
    calendar_year_enter(year=2027, ranges=ranges, source="上交所通知", entered_by="郑十一")
    entry = CalendarYear.objects.get(year=2027)
    assert entry.confirmed and entry.source == "上交所通知" and "郑十一" in entry.note
    assert not TradingCalendar().is_trading_day(d("2027-02-08"))
    assert calendar_outlook(today=d("2026-12-30")).last_confirmed_day == d("2027-12-31")


def test_a_confirmed_year_is_never_replaced_wholesale():
    before = ExchangeHoliday.objects.filter(date__year=2026).count()
    with pytest.raises(ApplicationError) as caught:
        calendar_year_enter(
            year=2026,
            ranges=holiday_ranges_parse("2026-03-02 臆造", year=2026),
            source="x",
            entered_by="y",
        )
    assert caught.value.code == "conflict"
    assert ExchangeHoliday.objects.filter(date__year=2026).count() == before


def test_the_keeper_previews_then_saves_exactly_what_was_previewed():
    client, _keeper = signed_in(Role.CALENDAR_KEEPER)
    url = reverse("calendar_overview")
    form = {"year": 2027, "source": "上交所关于2027年休市安排的通知", "ranges": ANNOUNCEMENT_2027}
    preview = client.post(url, {**form, "preview": "1"})
    assert preview.status_code == 200
    assert "春节" in preview.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()  # a preview saves nothing
    digest = preview.context["form"].initial["digest"]
    # Changed after the preview: shown again, not saved.
    changed = client.post(url, {**form, "ranges": "2027-01-01 元旦", "digest": digest, "save": "1"})
    assert changed.status_code == 200 and not CalendarYear.objects.filter(year=2027).exists()
    saved = client.post(url, {**form, "digest": digest, "save": "1"})
    assert saved.status_code == 302
    assert CalendarYear.objects.get(year=2027).confirmed
    # 1 + 5 + 1 + 3 + 1 + 1 + 5 weekdays: the weekends inside the ranges are not rows.
    assert ExchangeHoliday.objects.filter(date__year=2027).count() == 17


def test_the_keeper_may_upload_the_announcement_as_a_gb18030_file():
    client, _keeper = signed_in(Role.CALENDAR_KEEPER)
    upload = SimpleUploadedFile("2027.csv", ANNOUNCEMENT_2027.encode("gb18030"))
    answer = client.post(
        reverse("calendar_overview"),
        {"year": 2027, "source": "通知", "file": upload, "preview": "1"},
    )
    assert answer.status_code == 200
    assert "国庆节" in answer.content.decode()


@pytest.mark.parametrize(
    "ranges", ["2027-02-06 2027-02-14 春节\n2027-02-10 错", "2027-01-01 \x00"], ids=["bad", "nul"]
)
def test_a_bad_entry_on_the_page_is_a_form_error_and_saves_nothing(ranges):
    client, _keeper = signed_in(Role.CALENDAR_KEEPER)
    answer = client.post(
        reverse("calendar_overview"), {"year": 2027, "source": "通知", "ranges": ranges}
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_general_manager_sees_the_calendar_but_may_not_change_it():
    client, _gm = signed_in(Role.GENERAL_MANAGER)
    url = reverse("calendar_overview")
    assert client.get(url).status_code == 200
    answer = client.post(url, {"year": 2027, "source": "x", "ranges": "2027-01-01 元旦"})
    assert answer.status_code == 403
    assert client.get(reverse("admin:branch_ops_exchangeholiday_add")).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_keeper_may_correct_single_days_in_the_admin():
    client, _keeper = signed_in(Role.CALENDAR_KEEPER)
    assert client.get(reverse("admin:branch_ops_exchangeholiday_add")).status_code == 200


@pytest.mark.parametrize("role", [Role.COUNTER_CLERK, Role.MARKETING_DIRECTOR, Role.ARCHIVIST])
def test_other_roles_do_not_open_the_calendar_page(role):
    client, _person = signed_in(role)
    assert client.get(reverse("calendar_overview")).status_code == 403


def test_the_general_manager_and_the_keeper_are_warned_on_every_page_the_clerk_is_not(
    frozen_now,
):
    frozen_now.move_to(dt.datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING))
    gm_client, _gm = signed_in(Role.GENERAL_MANAGER)
    clerk = StaffFactory(branch=BranchFactory(code="SZ001"), roles=[Role.COUNTER_CLERK])
    clerk_client = Client()
    clerk_client.force_login(clerk)
    assert "2026-12-31" in gm_client.get(reverse("home")).content.decode()
    assert "2026-12-31" not in clerk_client.get(reverse("home")).content.decode()
    frozen_now.move_to(dt.datetime(2026, 10, 1, 10, 0, tzinfo=BEIJING))
    assert "2026-12-31" not in gm_client.get(reverse("home")).content.decode()


def test_the_watch_job_tells_each_watcher_once_a_day_within_the_warning():
    branch = BranchFactory(code="SZ001")
    gm = StaffFactory(branch=branch, roles=[Role.GENERAL_MANAGER])
    keeper = StaffFactory(branch=BranchFactory(code="SH002"), roles=[Role.CALENDAR_KEEPER])
    clerk = StaffFactory(branch=branch, roles=[Role.COUNTER_CLERK])
    job_run(name="branch_ops.calendar_watch", business_date=d("2026-10-31"), trigger="command")
    assert not Notification.objects.exists()  # 61 days left: not yet
    job_run(name="branch_ops.calendar_watch", business_date=d("2026-12-01"), trigger="command")
    job_run(name="branch_ops.calendar_watch", business_date=d("2026-12-01"), trigger="command")
    job_run(name="branch_ops.calendar_watch", business_date=d("2026-12-02"), trigger="command")
    told = sorted(Notification.objects.values_list("recipient_id", flat=True))
    assert told == sorted([gm.pk, gm.pk, keeper.pk, keeper.pk])
    assert not Notification.objects.filter(recipient=clerk).exists()
    assert "2027" in Notification.objects.first().subject


def test_the_demo_seeds_and_serves_on_new_years_day(frozen_now):
    frozen_now.move_to(dt.datetime(2027, 1, 4, 10, 0, tzinfo=BEIJING))
    call_command("seed_demo", "--quiet", "--create-demo-data-with-published-passwords")
    entry = CalendarYear.objects.get(year=2027)
    assert not entry.confirmed
    client = Client()
    client.force_login(Staff.objects.get(username="clerk"))
    page = client.get(reverse("home")).content.decode()
    assert "2027" in page  # the provisional year is said on every page
