"""Absurd and impossible dates posted to the pages' forms: the year 1, the year 9999, the 30th
of February. Each answers with the form, the date field marked with its message, and nothing
saved: never a 500 from date arithmetic deep in a service (a year-1 revisit planned the trading
day before it, a retention period added to the year 9999), never a record dated in either.
The fields are kernel.params.DayField (and DayTimeField for a moment), bounded to the span
the branch's records and calendars hold. The query parameters have their own fuzz
(tests/security/test_page_fuzz.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Staff
from accounts.roles import Role
from archives.models import AccessRequest, ArchiveRecord
from kernel.calendar import TradingCalendar
from kernel.params import FIRST_DAY, LAST_DAY
from retention.models import StaffDeparture, WorkMemo
from revisits.models import Reason, RevisitEvent, RevisitTask, Topic
from revisits.services import revisits_plan
from tests.accounts.factories import StaffFactory
from tests.builders import (
    defers,
    departed,
    filed_record,
    important,
    in_retention,
    make_archives_branch,
    to_awaiting_approval,
)
from transfers.models import TransferState

DAYS = ["0001-01-01", "9999-12-31", "2026-02-30", "1989-12-31", "2201-01-01"]
MOMENTS = ["0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T09:30", "1989-12-31T23:59"]
OUT_OF_SPAN = f"Enter a date between {FIRST_DAY} and {LAST_DAY}."
NOT_A_DATE = "Enter a valid date."
NOT_A_MOMENT = "Enter a valid date/time."


@dataclass
class Case:
    """A form's page: who posts it, where, what else it needs, and what it would have saved."""

    user: Staff
    url: str
    data: dict[str, Any]
    saved: Callable[[], Any]


def _defer(arch) -> Case:
    req = to_awaiting_approval(arch.people, arch.customer())
    return Case(
        arch.clerk,
        reverse("request_defer", args=[req.pk]),
        {"comment": ""},
        lambda: type(req).objects.values_list("state", "follow_up_on").get(pk=req.pk),
    )


def _commitment(arch) -> Case:
    customer = arch.customer()
    return Case(
        arch.am,
        reverse("retention_commitment_create", args=[customer.pk]),
        {"what": "一周内开通网上交易", "owner": arch.am.pk},
        lambda: customer.commitments.count(),
    )


def _complaint(arch) -> Case:
    customer = arch.customer()
    return Case(
        arch.am,
        reverse("retention_complaint_create", args=[customer.pk]),
        {"summary": "营业部电话总是占线"},
        lambda: customer.complaints.count(),
    )


def _departure(arch) -> Case:
    leaver = StaffFactory(branch=arch.branch, roles=[Role.ACCOUNT_MANAGER])
    arch.customer(account_manager=leaver)
    return Case(
        arch.md,
        reverse("retention_departure_create"),
        {"departed": leaver.pk, "kind": "employee", "to_person": arch.am.pk},
        lambda: StaffDeparture.objects.count(),
    )


def _memo(arch) -> Case:
    req = in_retention(arch.people)
    defers(arch.people, req, dt.date(2026, 12, 10))
    memo = WorkMemo.objects.get(request=req)
    return Case(
        arch.am,
        reverse("retention_memo", args=[memo.pk]),
        {"main_reasons": "搬家", "contact_phone": "", "follow_up_notes": ""},
        lambda: WorkMemo.objects.values_list("main_reasons", "follow_up_on").get(pk=memo.pk),
    )


def _revisit_task(arch) -> RevisitTask:
    customer = important(arch.people)
    departed(arch.people, customer, on=dt.date(2026, 11, 23))
    revisits_plan(
        branch=arch.branch, business_date=dt.date(2026, 11, 23), calendar=TradingCalendar()
    )
    return RevisitTask.objects.get(customer=customer, reason=Reason.LEFT_FIRST)


def _revisit(data: dict[str, Any]) -> Callable[[Any], Case]:
    def build(arch) -> Case:
        task = _revisit_task(arch)
        return Case(
            arch.am,
            reverse("revisit_detail", args=[task.pk]),
            {"channel": "phone", "topics": list(Topic.values), "outcome": "客户满意", **data},
            lambda: (
                RevisitTask.objects.get(pk=task.pk).status,
                RevisitTask.objects.filter(customer=task.customer).count(),
            ),
        )

    return build


def _draft(arch) -> Case:
    customer = arch.customer()
    return Case(
        arch.archivist,
        reverse("archives:record_new"),
        {
            "fund_account": customer.fund_account,
            "category": "individual",
            "medium": "electronic",
            "title": "个人客户档案",
        },
        lambda: ArchiveRecord.objects.count(),
    )


def _event(arch) -> Case:
    return Case(
        arch.md,
        reverse("revisit_event_create"),
        {"title": "客户答谢会", "place": "营业部大厅"},
        lambda: RevisitEvent.objects.count(),
    )


def _access(arch) -> Case:
    record = filed_record(arch)
    return Case(
        arch.lead,
        reverse("archives:access_request", args=[record.pk]),
        {
            "purpose": "核对客户转托管资料",
            "consent_by": "张三",
            "consent_relation": "customer",
            "consent_method": "written",
        },
        lambda: AccessRequest.objects.count(),
    )


# The form's page and its date field.
DATE_FORMS: dict[str, tuple[Callable[[Any], Case], str]] = {
    "transfer deferral": (_defer, "follow_up_on"),
    "retention commitment": (_commitment, "due_on"),
    "retention complaint": (_complaint, "received_on"),
    "retention departure": (_departure, "left_on"),
    "retention work memo": (_memo, "follow_up_on"),
    "revisit contacted on": (_revisit({"next_contact_on": ""}), "done_on"),
    "revisit next contact": (_revisit({"done_on": "2026-11-25"}), "next_contact_on"),
    "archive draft": (_draft, "relationship_ended_on"),
}
MOMENT_FORMS: dict[str, tuple[Callable[[Any], Case], str]] = {
    "revisit event": (_event, "starts_at"),
    "archive access consent": (_access, "consent_at"),
}


@pytest.fixture
def arch(db):
    return make_archives_branch()


@pytest.fixture
def client() -> Client:
    """English pages; a crash answered with the 500 page, as in production, not raised."""
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _post_refused(client: Client, case: Case, field: str, value: str) -> list[str]:
    before = case.saved()
    client.force_login(case.user)
    response = client.post(case.url, {**case.data, field: value})
    assert response.status_code == 400, (value, response.status_code)
    form = next(f for f in _forms(response) if field in f.fields)
    assert case.saved() == before, value
    return [str(e) for e in form.errors[field]]


def _forms(response) -> list:
    """The bound forms the page renders (the request page has one per action)."""
    return [
        v
        for context in response.context
        for v in context.flatten().values()
        if hasattr(v, "errors") and hasattr(v, "fields") and v.is_bound
    ]


@pytest.mark.parametrize("value", DAYS)
@pytest.mark.parametrize("name", sorted(DATE_FORMS))
def test_an_absurd_or_impossible_date_is_a_form_error_and_nothing_is_saved(
    client, arch, name, value
):
    build, field = DATE_FORMS[name]
    errors = _post_refused(client, build(arch), field, value)
    assert errors == [NOT_A_DATE if value == "2026-02-30" else OUT_OF_SPAN]


@pytest.mark.parametrize("value", MOMENTS)
@pytest.mark.parametrize("name", sorted(MOMENT_FORMS))
def test_an_absurd_or_impossible_moment_is_a_form_error_and_nothing_is_saved(
    client, arch, name, value
):
    build, field = MOMENT_FORMS[name]
    errors = _post_refused(client, build(arch), field, value)
    assert errors == [NOT_A_MOMENT if "02-30" in value else OUT_OF_SPAN]


@pytest.mark.parametrize("name", sorted(DATE_FORMS))
def test_the_last_day_of_the_span_never_gives_a_500(client, arch, name):
    """Inside the span, a date the page's own rules refuse (a due date in 2200, a deferral
    to it) is the service's refusal or accepted — not a crash further down."""
    build, field = DATE_FORMS[name]
    case = build(arch)
    client.force_login(case.user)
    for value in (FIRST_DAY.isoformat(), LAST_DAY.isoformat()):
        response = client.post(case.url, {**case.data, field: value})
        assert response.status_code < 500, (value, response.status_code)


def test_the_fields_keep_their_own_rules_inside_the_span(client, arch):
    """The span is an outer bound only: a deferral must still be to a day after today (Art. 29:
    the customer tries the service again for a while); a relationship may have ended long ago."""
    case = _defer(arch)
    client.force_login(case.user)
    response = client.post(case.url, {**case.data, "follow_up_on": "2026-11-25"}, follow=True)
    assert "The follow-up date must be in the future." in response.content.decode()
    assert case.saved() == (TransferState.AWAITING_APPROVAL, None)

    case = _draft(arch)
    client.force_login(case.user)
    response = client.post(case.url, {**case.data, "relationship_ended_on": "1995-06-30"})
    assert response.status_code == 302
    assert ArchiveRecord.objects.get().relationship_ended_on == dt.date(1995, 6, 30)
