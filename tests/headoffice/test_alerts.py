"""The firm-wide alerts: each sign (late requests; the forced-retention signs, CSRC notice of
2009 and Order 204) raises an alert for a branch whose month reaches its threshold and not
below it, a rerun raises nothing twice, head-office compliance is told once, and the pages
show each alert with exactly the requests behind it, to the head office only."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from headoffice.models import AlertSign, BranchAlert
from headoffice.services import branch_alerts_raise
from headoffice.signs import repeat_deferral_findings, withdrawn_reopened_findings
from headoffice.thresholds import ALERT_THRESHOLDS, REOPEN_WINDOW_DAYS
from jobs.models import JobOutcome, JobTrigger
from jobs.registry import job_run
from notifications.models import Notification
from tests.accounts.factories import StaffFactory
from tests.builders import (
    BEIJING,
    at,
    deferred,
    defers,
    in_retention,
    new_request,
    page,
    reason,
    stays,
    to_awaiting_approval,
)
from tests.headoffice.test_figures import DECEMBER_FIRST, NOVEMBER
from transfers import services
from transfers.models import TransferRequest, TransferState


def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING)


# --- one case of each sign, in November 2026, written straight to the tables ---------------


def _late(people):
    req = to_awaiting_approval(people, people.customer())
    TransferRequest.objects.filter(pk=req.pk).update(due_on=dt.date(2026, 11, 20))
    return {req.pk}


def _deferral(people, customer, on: dt.date, code: str = "moved_away"):
    req = deferred(people, customer, on=on, follow_up_on=on + dt.timedelta(days=14))
    TransferRequest.objects.filter(pk=req.pk).update(primary_reason=reason(code))
    return req


def _repeat_deferral(people):
    customer = people.customer()
    first = _deferral(people, customer, dt.date(2026, 10, 20))
    second = _deferral(people, customer, dt.date(2026, 11, 10))
    return {first.pk, second.pk}


def _withdrawn(people, customer, ended: dt.date):
    req = TransferRequest.objects.create(
        branch=people.branch,
        customer=customer,
        created_by=people.clerk,
        wants_sz_transfer=True,
        state=TransferState.WITHDRAWN,
        ended_at=_at(ended),
    )
    TransferRequest.objects.filter(pk=req.pk).update(created_at=_at(ended, 9))
    return req


def _opened(people, customer, on: dt.date):
    req = TransferRequest.objects.create(
        branch=people.branch, customer=customer, created_by=people.clerk, wants_sz_transfer=True
    )
    TransferRequest.objects.filter(pk=req.pk).update(created_at=_at(on))
    return req


def _withdrawn_reopened(people):
    customer = people.customer()
    old = _withdrawn(people, customer, dt.date(2026, 11, 5))
    new = _opened(people, customer, dt.date(2026, 11, 8))
    return {old.pk, new.pk}


CASES = {
    AlertSign.LATE_REQUESTS: _late,
    AlertSign.REPEAT_DEFERRAL: _repeat_deferral,
    AlertSign.WITHDRAWN_REOPENED: _withdrawn_reopened,
}


@pytest.fixture
def compliance(db):
    return [StaffFactory(branch=None, roles=[Role.HQ_COMPLIANCE]) for _i in range(2)]


@pytest.mark.parametrize("sign", list(CASES))
def test_a_sign_raises_an_alert_at_its_threshold_and_not_below(people, other_branch, sign):
    threshold = ALERT_THRESHOLDS[sign]
    ids = set()
    for _i in range(threshold - 1):
        ids |= CASES[sign](people)
    CASES[sign](other_branch)  # another branch's case counts for that branch only
    branch_alerts_raise(month=NOVEMBER, today=DECEMBER_FIRST)
    assert not BranchAlert.objects.filter(branch=people.branch, sign=sign).exists()

    ids |= CASES[sign](people)
    counts = branch_alerts_raise(month=NOVEMBER, today=DECEMBER_FIRST)
    alert = BranchAlert.objects.get(branch=people.branch, sign=sign)
    assert (alert.month, alert.count, alert.threshold) == (NOVEMBER, threshold, threshold)
    assert set(alert.request_ids) == ids
    assert counts["alerts_new"] == 1
    assert not BranchAlert.objects.filter(branch=other_branch.branch).exists()


def test_a_rerun_raises_nothing_twice_and_tells_compliance_once(people, compliance):
    marketing = StaffFactory(branch=None, roles=[Role.HQ_MARKETING])
    gone = StaffFactory(branch=None, roles=[Role.HQ_COMPLIANCE], is_active=False)
    for _i in range(ALERT_THRESHOLDS[AlertSign.REPEAT_DEFERRAL]):
        _repeat_deferral(people)
    first = branch_alerts_raise(month=NOVEMBER, today=DECEMBER_FIRST)
    assert (first["alerts_new"], first["compliance_told"]) == (1, 2)
    alert = BranchAlert.objects.get()
    for person in compliance:
        notice = Notification.objects.get(recipient=person)
        assert notice.link == reverse("headoffice_alert", args=[alert.pk])
    assert not Notification.objects.filter(recipient__in=[marketing, gone]).exists()

    # Another case since: the alert's figures follow, nobody is told again, on any day.
    ids = set(alert.request_ids) | _repeat_deferral(people)
    again = branch_alerts_raise(month=NOVEMBER, today=dt.date(2026, 12, 2))
    assert (again["alerts"], again["alerts_new"], again["compliance_told"]) == (1, 0, 0)
    alert.refresh_from_db()
    assert (alert.count, set(alert.request_ids)) == (3, ids)
    assert BranchAlert.objects.count() == 1
    assert Notification.objects.filter(recipient__in=compliance).count() == 2


def test_the_monthly_job_raises_last_months_alerts(people, compliance):
    for _i in range(ALERT_THRESHOLDS[AlertSign.LATE_REQUESTS]):
        _late(people)
    for _run in range(2):
        run = job_run(
            name="headoffice.month_figures",
            business_date=DECEMBER_FIRST,
            trigger=JobTrigger.COMMAND,
        )
        assert run.outcome == JobOutcome.SUCCEEDED
    assert run.counts["alerts"] == 1 and run.counts["alerts_new"] == 0
    assert BranchAlert.objects.get().sign == AlertSign.LATE_REQUESTS
    assert Notification.objects.filter(recipient__in=compliance).count() == 2


def test_the_command_raises_a_months_alerts_too(people, compliance):
    for _i in range(ALERT_THRESHOLDS[AlertSign.LATE_REQUESTS]):
        _late(people)
    out = io.StringIO()
    with time_machine.travel(_at(DECEMBER_FIRST)):
        call_command("headoffice_figures", "2026-11", stdout=out)
        call_command("headoffice_figures", "2026-11", stdout=out)
    assert BranchAlert.objects.get().sign == AlertSign.LATE_REQUESTS
    assert "1 alerts (0 new)" in out.getvalue()
    assert Notification.objects.filter(recipient__in=compliance).count() == 2


# --- what counts as a case ----------------------------------------------------------------


def test_a_repeat_deferral_is_one_customer_twice_for_one_reason(people):
    twice = people.customer()
    _deferral(people, twice, dt.date(2026, 11, 3))
    _deferral(people, twice, dt.date(2026, 11, 17))
    _deferral(people, twice, dt.date(2026, 11, 24))  # three times is still one customer
    other_reasons = people.customer()
    _deferral(people, other_reasons, dt.date(2026, 11, 3), "moved_away")
    _deferral(people, other_reasons, dt.date(2026, 11, 17), "commission")
    long_ago = people.customer()
    _deferral(people, long_ago, dt.date(2026, 3, 1))  # more than half a year before
    _deferral(people, long_ago, dt.date(2026, 11, 17))
    before_the_month = people.customer()
    _deferral(people, before_the_month, dt.date(2026, 10, 3))
    _deferral(people, before_the_month, dt.date(2026, 10, 17))
    found = repeat_deferral_findings(month=NOVEMBER)
    assert found[people.branch.pk].count == 1
    assert set(found[people.branch.pk].request_ids) == set(
        TransferRequest.objects.filter(customer=twice).values_list("pk", flat=True)
    )


def test_a_repeat_deferral_through_the_counter_is_found(people, frozen_now):
    # The real path: deferred, resumed, deferred again, each an audit row of the request.
    at(frozen_now, dt.date(2026, 11, 10))
    req = in_retention(people, reason_code="commission")
    defers(people, req, dt.date(2026, 11, 17))
    at(frozen_now, dt.date(2026, 11, 17))
    services.transfer_resume(request=req, actor=people.clerk)
    defers(people, req, dt.date(2026, 11, 30))
    found = repeat_deferral_findings(month=NOVEMBER)
    assert (found[people.branch.pk].count, found[people.branch.pk].ids) == (1, [req.pk])


def test_a_request_opened_again_within_days_of_a_withdrawal_is_a_case(people, frozen_now):
    # Through the counter: the customer "stays", then comes back three days later.
    at(frozen_now, dt.date(2026, 11, 2))
    withdrawn = stays(people, in_retention(people))
    at(frozen_now, dt.date(2026, 11, 5))
    reopened = new_request(people, withdrawn.customer)
    late = people.customer()
    _withdrawn(people, late, dt.date(2026, 11, 1))
    _opened(people, late, dt.date(2026, 11, 1) + dt.timedelta(days=REOPEN_WINDOW_DAYS + 1))
    next_month = people.customer()
    _withdrawn(people, next_month, dt.date(2026, 11, 28))
    _opened(people, next_month, dt.date(2026, 12, 2))  # December's case, not November's
    found = withdrawn_reopened_findings(month=NOVEMBER)
    assert (found[people.branch.pk].count, found[people.branch.pk].ids) == (
        1,
        sorted([withdrawn.pk, reopened.pk]),
    )
    assert withdrawn_reopened_findings(month=dt.date(2026, 12, 1))[people.branch.pk].count == 1


# --- the pages ----------------------------------------------------------------------------


@pytest.fixture
def raised(people):
    ids = set()
    for _i in range(ALERT_THRESHOLDS[AlertSign.WITHDRAWN_REOPENED]):
        ids |= _withdrawn_reopened(people)
    with time_machine.travel(_at(DECEMBER_FIRST, 8)):
        branch_alerts_raise(month=NOVEMBER, today=DECEMBER_FIRST)
    return BranchAlert.objects.get(), ids


def test_the_alerts_page_lists_each_alert_and_opens_its_requests(client, compliance, raised):
    alert, ids = raised
    client.force_login(compliance[0])
    listing = client.get(reverse("headoffice_alerts"))
    assert listing.status_code == 200
    assert list(listing.context["alerts"]) == [alert]
    detail_url = reverse("headoffice_alert", args=[alert.pk])
    assert detail_url in page(listing)

    detail = client.get(detail_url)
    assert detail.status_code == 200
    assert {r.pk for r in detail.context["requests"]} == ids
    text = page(detail)
    for req in detail.context["requests"]:
        assert req.customer.masked_name in text
        assert req.customer.name not in text
        assert reverse("headoffice_request", args=[req.pk]) in text
    assert client.get(reverse("headoffice_alert", args=[987654])).status_code == 404


def test_head_office_marketing_reads_the_alerts_too(hq_client, raised):
    assert hq_client.get(reverse("headoffice_alerts")).status_code == 200


@pytest.mark.parametrize("role", [Role.GENERAL_MANAGER, Role.AUDITOR, Role.COUNTER_CLERK])
def test_branch_staff_are_refused_the_alerts(client, people, other_branch, raised, role):
    alert, ids = raised
    client.force_login(StaffFactory(branch=other_branch.branch, roles=[role]))
    assert client.get(reverse("headoffice_alerts")).status_code == 403
    assert client.get(reverse("headoffice_alert", args=[alert.pk])).status_code == 403
    # The requests behind another branch's alert: the head office's summary is refused
    # (the same answer as for a request that does not exist), the branch's page is a 404.
    for pk in ids:
        assert client.get(reverse("headoffice_request", args=[pk])).status_code == 403
        assert client.get(reverse("request_detail", args=[pk])).status_code == 404
    assert client.get(reverse("headoffice_request", args=[987654])).status_code == 403
