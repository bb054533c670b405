"""Art. 18: institution and core customers book an appointment with the marketing director
or general manager at least one trading day before they come to the counter."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.roles import Role
from kernel.errors import ApplicationError
from tests.builders import new_request, person, refine
from transfers import services
from transfers.models import Appointment, TransferRequest, TransferState

BEIJING = ZoneInfo("Asia/Shanghai")
WEDNESDAY = dt.date(2026, 11, 25)
TUESDAY = dt.date(2026, 11, 24)


def beijing(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


def customer_of(people, kind):
    return people.institution() if kind == "institution" else people.customer(kind)


def refused(people, customer):
    before = TransferRequest.objects.filter(customer=customer).count()
    with pytest.raises(ApplicationError) as caught:
        new_request(people, customer)
    assert caught.value.code == "appointment_required"
    assert TransferRequest.objects.filter(customer=customer).count() == before
    return caught.value


@pytest.mark.parametrize("kind", ["core", "institution"])
def test_a_core_or_institution_customer_without_an_appointment_is_refused(people, kind):
    error = refused(people, customer_of(people, kind))
    assert error.details["earliest"] == "2026-11-26"
    assert "2026-11-26" in error.message


@pytest.mark.parametrize(
    ("now", "earliest"),
    [
        (beijing(2026, 11, 27, 10, 0), "2026-11-30"),  # Friday → Monday
        (beijing(2026, 9, 30, 10, 0), "2026-10-08"),  # before National Day
        (beijing(2026, 2, 13, 10, 0), "2026-02-24"),  # before Spring Festival
    ],
)
def test_the_refusal_gives_the_earliest_date_on_the_trading_calendar(
    people, frozen_now, now, earliest
):
    frozen_now.move_to(now)
    error = refused(people, people.customer("core"))
    assert error.details["earliest"] == earliest
    assert earliest in error.message


@pytest.mark.parametrize("kind", ["ordinary", "important"])
def test_ordinary_and_important_customers_need_no_appointment(people, kind):
    req = new_request(people, customer_of(people, kind))
    assert req.state == TransferState.RECEIVED
    assert req.appointment is None


def test_an_appointment_booked_today_is_too_late_for_today(people):
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=WEDNESDAY)
    error = refused(people, customer)
    assert error.details["earliest"] == "2026-11-26"


@pytest.mark.parametrize("kind", ["core", "institution"])
def test_an_appointment_booked_the_trading_day_before_is_enough(people, kind):
    customer = customer_of(people, kind)
    appointment = people.book_appointment(customer, booked_on=TUESDAY)
    req = new_request(people, customer)
    assert req.appointment == appointment


def test_a_branch_that_asks_two_trading_days_ahead_refuses_one(people):
    # Art. 18 "至少提前一天", lengthened by the branch's refinement of the norm (Art. 35).
    refine(people.branch, "appointment.lead_trading_days", 2)
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=TUESDAY)
    assert refused(people, customer).details["earliest"] == "2026-11-26"
    ahead = people.customer("core")
    people.book_appointment(ahead, booked_on=dt.date(2026, 11, 23))  # Monday: two days
    assert new_request(people, ahead).appointment is not None


def test_an_appointment_booked_on_friday_allows_monday(people, frozen_now):
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=dt.date(2026, 11, 27))
    frozen_now.move_to(beijing(2026, 11, 30, 9, 30))
    assert new_request(people, customer).appointment is not None


def test_an_appointment_booked_before_a_holiday_allows_the_first_day_after(people, frozen_now):
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=dt.date(2026, 9, 30))
    frozen_now.move_to(beijing(2026, 10, 8, 9, 30))
    assert new_request(people, customer).appointment is not None


def test_an_appointment_is_used_once(people):
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=TUESDAY)
    first = new_request(people, customer)
    services.transfer_customer_stays(request=first, actor=people.clerk)

    refused(people, customer)
    assert Appointment.objects.filter(customer=customer).count() == 1


def test_booking_through_the_service_counts_from_the_next_trading_day(people, frozen_now):
    customer = people.customer("core")
    appointment = services.appointment_book(
        customer=customer, host=people.gm, actor=people.clerk, findings="嫌佣金高"
    )
    assert (appointment.booked_on, appointment.host) == (WEDNESDAY, people.gm)
    refused(people, customer)

    frozen_now.move_to(beijing(2026, 11, 26, 9, 30))
    assert new_request(people, customer).appointment == appointment


@pytest.mark.parametrize("role", [Role.COUNTER_LEAD, Role.ACCOUNT_MANAGER, Role.COUNTER_CLERK])
def test_appointments_are_with_the_director_or_general_manager_only(people, role):
    customer = people.customer("core")
    with pytest.raises(ApplicationError) as caught:
        services.appointment_book(customer=customer, host=person(people, role), actor=people.md)
    assert caught.value.code == "invalid"
    assert not Appointment.objects.filter(customer=customer).exists()


def test_one_open_appointment_per_customer(people):
    customer = people.customer("core")
    services.appointment_book(customer=customer, host=people.md, actor=people.md)
    with pytest.raises(ApplicationError) as caught:
        services.appointment_book(customer=customer, host=people.gm, actor=people.gm)
    assert caught.value.code == "duplicate"


def test_another_branchs_customer_cannot_be_booked(people, other_branch):
    customer = other_branch.customer("core")
    with pytest.raises(ApplicationError) as caught:
        services.appointment_book(customer=customer, host=people.md, actor=people.md)
    assert caught.value.code == "not_found"


def test_the_host_records_what_was_learned(people):
    customer = people.customer("core")
    appointment = services.appointment_book(customer=customer, host=people.md, actor=people.md)
    services.appointment_record_findings(
        appointment=appointment, actor=people.md, findings="竞争对手佣金万一，已申请优惠"
    )
    appointment.refresh_from_db()
    assert appointment.findings == "竞争对手佣金万一，已申请优惠"
    with pytest.raises(ApplicationError) as caught:
        services.appointment_record_findings(
            appointment=appointment, actor=people.clerk, findings="改写"
        )
    assert caught.value.code == "forbidden"
