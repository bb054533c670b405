"""The API takes a date as the pages' forms do (api.fields.day_field, kernel.params.DayField):
the year 1, the year 9999 and the 30th of February are a 400 naming the field, and nothing is
recorded — a revisit "done" in the year 1 passed every rule of the service, which only asks
that it is not in the future."""

from __future__ import annotations

import datetime as dt

import pytest

from kernel.calendar import TradingCalendar
from kernel.params import FIRST_DAY, LAST_DAY
from revisits.models import Reason, RevisitTask, TaskStatus
from revisits.services import revisits_plan
from tests.builders import (
    assert_error_shape,
    departed,
    important,
    to_awaiting_approval,
    token_client,
)
from transfers.models import TransferState

BAD = ["0001-01-01", "9999-12-31", "2026-02-30", "1989-12-31"]
OUT_OF_SPAN = f"Enter a date between {FIRST_DAY} and {LAST_DAY}."


@pytest.fixture
def first_week(people) -> RevisitTask:
    customer = important(people)
    departed(people, customer, on=dt.date(2026, 11, 23))
    revisits_plan(
        branch=people.branch, business_date=dt.date(2026, 11, 23), calendar=TradingCalendar()
    )
    return RevisitTask.objects.get(customer=customer, reason=Reason.LEFT_FIRST)


def _refused(response, field: str, value: str) -> None:
    body = assert_error_shape(response, 400)
    if value != "2026-02-30":
        assert OUT_OF_SPAN in str(body["details"][field]), body


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize("field", ["done_on", "next_contact_on"])
def test_a_revisit_dated_outside_the_span_is_refused(people, first_week, field, value):
    body = {
        "done_on": "2026-11-25",
        "channel": "phone",
        "topics": ["activities", "situation"],
        "outcome": "客户表示满意",
        field: value,
    }
    api = token_client(people, acting_as=people.am)
    response = api.post(f"/api/v1/revisit-tasks/{first_week.pk}/record/", body, format="json")
    _refused(response, field, value)
    first_week.refresh_from_db()
    assert first_week.status == TaskStatus.OPEN and first_week.done_on is None


@pytest.mark.parametrize("value", BAD)
def test_a_promise_due_outside_the_span_is_refused(people, value):
    customer = people.customer()
    api = token_client(people, acting_as=people.am)
    body = {"customer": customer.pk, "what": "一周内开通网上交易", "due_on": value}
    _refused(api.post("/api/v1/commitments/", body, format="json"), "due_on", value)
    assert not customer.commitments.exists()


@pytest.mark.parametrize("value", BAD)
def test_a_deferral_outside_the_span_is_refused(people, value):
    req = to_awaiting_approval(people, people.customer())
    api = token_client(people)
    response = api.post(f"/api/v1/requests/{req.pk}/defer/", {"follow_up_on": value}, format="json")
    _refused(response, "follow_up_on", value)
    req.refresh_from_db()
    assert (req.state, req.follow_up_on) == (TransferState.AWAITING_APPROVAL, None)
