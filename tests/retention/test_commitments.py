"""Commitments (Art. 23, 25, 29, 34): owner, due day in trading days, kept with evidence,
overdue ones escalated once a day — across National Day and the Spring Festival too."""

import datetime as dt

import pytest
from django.urls import reverse

from kernel.errors import ApplicationError
from notifications.models import Notification
from retention.models import AtRiskFlag, CommitmentStatus, RiskRule
from retention.selectors import (
    commitments_for_owner,
    customer_retention_badges,
    overdue_commitments,
    retention_badges_for,
)
from retention.services import (
    commitment_cancel,
    commitment_create,
    commitment_keep,
    commitments_escalate_overdue,
    complaint_record,
)
from tests.builders import at, defers, in_retention, page


def test_a_promise_due_in_trading_days_skips_national_day(people, frozen_now):
    at(frozen_now, dt.date(2026, 9, 29))
    customer = people.customer()
    commitment = commitment_create(
        customer=customer, actor=people.clerk, what="检修二号机", within_trading_days=2
    )
    # Tue 29 Sep + 2 trading days: Wed 30 Sep, then the exchanges close 1–7 Oct.
    assert commitment.due_on == dt.date(2026, 10, 8)
    assert commitment.owner == people.am  # the customer's account manager by default


def test_a_promise_due_on_a_holiday_falls_due_on_the_next_trading_day(people, frozen_now):
    at(frozen_now, dt.date(2026, 2, 10))
    commitment = commitment_create(
        customer=people.customer(),
        actor=people.clerk,
        what="春节后回访",
        due_on=dt.date(2026, 2, 18),
    )
    assert commitment.due_on == dt.date(2026, 2, 24)


def test_overdue_means_past_the_due_day(people, frozen_now):
    at(frozen_now, dt.date(2026, 9, 29))
    commitment = commitment_create(
        customer=people.customer(), actor=people.clerk, what="检修", within_trading_days=2
    )
    assert not overdue_commitments(branch_id=people.branch.pk, today=dt.date(2026, 10, 8)).exists()
    assert list(overdue_commitments(branch_id=people.branch.pk, today=dt.date(2026, 10, 9))) == [
        commitment
    ]


def test_escalation_waits_out_national_day_then_tells_owner_and_director_once_a_day(
    people, frozen_now
):
    at(frozen_now, dt.date(2026, 9, 28))
    commitment = commitment_create(
        customer=people.customer(), actor=people.clerk, what="升级交易系统", within_trading_days=2
    )
    assert commitment.due_on == dt.date(2026, 9, 30)
    for day in (dt.date(2026, 10, d) for d in range(1, 8)):  # the holiday week
        at(frozen_now, day, hour=21)
        assert commitments_escalate_overdue(branch=people.branch, today=day) == 0
    assert not Notification.objects.filter(subject__startswith="Overdue promise").exists()

    first_day = dt.date(2026, 10, 8)
    at(frozen_now, first_day, hour=21)
    assert commitments_escalate_overdue(branch=people.branch, today=first_day) == 1
    assert commitments_escalate_overdue(branch=people.branch, today=first_day) == 0
    told = Notification.objects.filter(subject__startswith="Overdue promise")
    assert sorted(n.recipient_id for n in told) == sorted([people.am.pk, people.md.pk])
    assert "2026-09-30" in told.first().subject

    at(frozen_now, dt.date(2026, 10, 9), hour=21)
    assert commitments_escalate_overdue(branch=people.branch, today=dt.date(2026, 10, 9)) == 1
    assert Notification.objects.filter(subject__startswith="Overdue promise").count() == 4


def test_escalation_across_the_spring_festival(people, frozen_now):
    at(frozen_now, dt.date(2026, 2, 12))
    commitment_create(
        customer=people.customer(), actor=people.clerk, what="节前回电", within_trading_days=1
    )
    for day in (dt.date(2026, 2, d) for d in range(14, 24)):  # 14 Feb – 23 Feb: closed
        assert commitments_escalate_overdue(branch=people.branch, today=day) == 0
    assert commitments_escalate_overdue(branch=people.branch, today=dt.date(2026, 2, 24)) == 1


def test_a_kept_promise_is_not_escalated_and_needs_evidence(people, frozen_now):
    at(frozen_now, dt.date(2026, 11, 20))
    commitment = commitment_create(
        customer=people.customer(), actor=people.clerk, what="调座位", within_trading_days=1
    )
    with pytest.raises(ApplicationError, match="cannot be empty"):
        commitment_keep(commitment=commitment, actor=people.am, evidence=" ")
    at(frozen_now, dt.date(2026, 11, 25))
    kept = commitment_keep(commitment=commitment, actor=people.am, evidence="已调至靠窗座位")
    assert (kept.status, kept.kept_on) == (CommitmentStatus.KEPT, dt.date(2026, 11, 25))
    assert commitments_escalate_overdue(branch=people.branch, today=dt.date(2026, 11, 25)) == 0
    with pytest.raises(ApplicationError, match="already"):
        commitment_cancel(commitment=kept, actor=people.am, reason="x")


def test_only_the_owner_or_a_manager_closes_a_promise(people):
    commitment = commitment_create(customer=people.customer(), actor=people.clerk, what="回电")
    with pytest.raises(ApplicationError, match="owner"):
        commitment_keep(commitment=commitment, actor=people.clerk, evidence="done")
    cancelled = commitment_cancel(commitment=commitment, actor=people.md, reason="客户不再需要")
    assert cancelled.status == CommitmentStatus.CANCELLED


def test_a_promise_cannot_be_due_in_the_past_or_owned_by_another_branch(people, other_branch):
    with pytest.raises(ApplicationError, match="past"):
        commitment_create(
            customer=people.customer(), actor=people.clerk, what="x", due_on=dt.date(2026, 1, 5)
        )
    with pytest.raises(ApplicationError, match="this branch"):
        commitment_create(
            customer=people.customer(), actor=people.clerk, what="x", owner=other_branch.am
        )


def test_a_deferred_customer_with_open_promises_is_shown_as_such(people, en_client):
    customer = people.customer()
    req = in_retention(people, customer)
    commitment_create(customer=customer, actor=people.clerk, what="演示网上交易", request=req)
    commitment_create(customer=customer, actor=people.clerk, what="寄送资料", request=req)
    defers(people, req, dt.date(2026, 12, 9))
    assert customer_retention_badges(customer) == [
        "deferred, follow up 2026-12-09",
        "2 open commitments",
    ]
    en_client.force_login(people.clerk)
    shown = page(en_client.get(reverse("retention_customer", args=[customer.pk])))
    assert "deferred, follow up 2026-12-09" in shown and "2 open commitments" in shown


def test_every_page_shows_late_promises_complaints_and_a_recent_risk_each_customer_its_own(
    people, frozen_now
):
    at(frozen_now, dt.date(2026, 11, 20))
    late, warned, calm = people.customer(), people.customer(), people.customer()
    commitment_create(customer=late, actor=people.clerk, what="检修键盘", within_trading_days=1)
    commitment_create(customer=late, actor=people.clerk, what="寄送资料", within_trading_days=5)
    at(frozen_now, dt.date(2026, 11, 25))
    complaint_record(customer=warned, actor=people.clerk, summary="营业部电话打不通")
    AtRiskFlag.objects.create(
        branch=people.branch,
        customer=warned,
        rule=RiskRule.NO_TRADES,
        business_date=dt.date(2026, 11, 24),
        details={},
    )
    # A flag older than the badge's week says nothing any more.
    AtRiskFlag.objects.create(
        branch=people.branch,
        customer=calm,
        rule=RiskRule.NO_TRADES,
        business_date=dt.date(2026, 11, 17),
        details={},
    )
    assert retention_badges_for([late, warned, calm]) == {
        late.pk: ["2 open commitments", "1 overdue"],
        warned.pk: ["1 open complaint", "at risk"],
        calm.pk: [],
    }


def test_the_owner_sees_their_promises_and_keeps_one_from_the_page(people, en_client, frozen_now):
    at(frozen_now, dt.date(2026, 11, 20))
    customer = people.customer()
    late = commitment_create(
        customer=customer, actor=people.clerk, what="检修键盘", within_trading_days=1
    )
    at(frozen_now, dt.date(2026, 11, 25))
    assert list(commitments_for_owner(owner=people.am)) == [late]
    en_client.force_login(people.am)
    shown = page(en_client.get(reverse("retention_commitments")))
    assert "检修键盘" in shown and "overdue" in shown
    response = en_client.post(
        reverse("retention_commitment_keep", args=[late.pk]), {"evidence": "已更换键盘"}
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == CommitmentStatus.KEPT


def test_recording_a_promise_from_the_request_page(people, en_client):
    req = in_retention(people)
    en_client.force_login(people.clerk)
    url = reverse("retention_commitment_create", args=[req.customer_id]) + f"?request={req.pk}"
    response = en_client.post(
        url,
        {"what": "一周内开通网上交易", "owner": people.am.pk, "within_trading_days": "5"},
    )
    assert response.status_code == 302 and response["Location"] == f"/requests/{req.pk}/"
    commitment = req.customer.commitments.get()
    assert commitment.request == req and commitment.due_on == dt.date(2026, 12, 2)
    # Both a date and a number of days: the form says which to give.
    again = en_client.post(
        url,
        {"what": "x", "owner": people.am.pk, "within_trading_days": "5", "due_on": "2026-12-01"},
    )
    assert again.status_code == 400 and "not both" in page(again)
