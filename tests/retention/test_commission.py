"""Commission (Art. 27): a rate inside the branch's range is agreed at once; below the floor
the marketing director decides, and the decision is kept. Decimals, never floats."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.norm.resolve import rule_set
from kernel.errors import ApplicationError
from notifications.models import Notification
from retention.models import CommissionStatus
from retention.services import commission_agree, commission_approve, commission_refuse
from tests.builders import page, refine


@pytest.fixture
def ranges(people):
    """The firm's norm (Art. 27): ordinary 0.00025–0.0008, important 0.0002–0.0006."""
    return rule_set(people.branch.pk)


def test_a_branch_narrows_the_range_and_the_counter_keeps_to_it(people):
    refine(people.branch, "commission.ordinary.ceiling", "0.0005")
    with pytest.raises(ApplicationError):
        commission_agree(
            customer=people.customer("ordinary"), actor=people.clerk, rate=Decimal("0.0006")
        )


def test_a_rate_inside_the_range_is_agreed_by_the_clerk_or_account_manager(people, ranges):
    customer = people.customer("ordinary")
    agreed = commission_agree(customer=customer, actor=people.clerk, rate=Decimal("0.000300"))
    assert agreed.status == CommissionStatus.AGREED
    assert agreed.floor_rate == Decimal("0.000250") and agreed.tier == "ordinary"
    at_floor = commission_agree(customer=customer, actor=people.am, rate=Decimal("0.00025"))
    assert at_floor.status == CommissionStatus.AGREED
    assert at_floor.rate_display == "2.5‱"


def test_a_rate_below_the_floor_waits_for_the_marketing_director_who_approves(people, ranges):
    customer = people.customer("ordinary")
    pending = commission_agree(
        customer=customer, actor=people.am, rate=Decimal("0.000200"), note="竞争对手报价万二"
    )
    assert pending.status == CommissionStatus.PENDING
    told = Notification.objects.get(recipient=people.md)
    assert "below the floor" in told.subject

    with pytest.raises(ApplicationError, match="marketing director"):
        commission_approve(agreement=pending, actor=people.gm)
    approved = commission_approve(agreement=pending, actor=people.md, note="核心竞争客户")
    assert approved.status == CommissionStatus.APPROVED
    assert approved.decided_by == people.md and approved.decided_at is not None
    with pytest.raises(ApplicationError, match="already been decided"):
        commission_refuse(agreement=approved, actor=people.md, note="x")


def test_a_refusal_below_the_floor_needs_a_reason_and_is_kept(people, ranges):
    pending = commission_agree(
        customer=people.customer("ordinary"), actor=people.clerk, rate=Decimal("0.0001")
    )
    with pytest.raises(ApplicationError, match="cannot be empty"):
        commission_refuse(agreement=pending, actor=people.md, note="")
    refused = commission_refuse(agreement=pending, actor=people.md, note="低于公司底线")
    assert (refused.status, refused.decision_note) == (CommissionStatus.REFUSED, "低于公司底线")


def test_the_range_is_per_tier(people, ranges):
    # 0.0002 is below the ordinary floor but inside the important customers' range.
    important = commission_agree(
        customer=people.customer("important"), actor=people.clerk, rate=Decimal("0.0002")
    )
    assert important.status == CommissionStatus.AGREED


def test_what_cannot_be_agreed(people, ranges):
    customer = people.customer("ordinary")
    with pytest.raises(ApplicationError, match="above the branch's highest rate"):
        commission_agree(customer=customer, actor=people.clerk, rate=Decimal("0.001"))
    with pytest.raises(ApplicationError, match="six decimal places"):
        commission_agree(customer=customer, actor=people.clerk, rate=Decimal("0.0002555"))
    with pytest.raises(TypeError):
        commission_agree(customer=customer, actor=people.clerk, rate=0.0003)  # type: ignore[arg-type]
    with pytest.raises(ApplicationError, match="counter staff or an account manager"):
        commission_agree(customer=customer, actor=people.auditor, rate=Decimal("0.0003"))
    core = people.customer("core")
    with pytest.raises(ApplicationError, match="above the branch's highest rate"):
        commission_agree(customer=core, actor=people.clerk, rate=Decimal("0.0006"))


def test_the_counter_gives_the_rate_per_ten_thousand(people, ranges, en_client):
    customer = people.customer("ordinary")
    en_client.force_login(people.clerk)
    url = reverse("retention_commission_agree", args=[customer.pk])
    assert "0.000250" in page(en_client.get(url))
    response = en_client.post(url, {"rate_per_10000": "2.2", "note": "对比同业"})
    assert response.status_code == 302
    agreement = customer.commission_agreements.get()
    assert agreement.rate == Decimal("0.000220") and agreement.status == CommissionStatus.PENDING

    en_client.force_login(people.md)
    listing = page(en_client.get(reverse("retention_commission")))
    assert "2.2‱" in listing
    en_client.post(
        reverse("retention_commission_decide", args=[agreement.pk]),
        {"decision": "approve", "note": "同意"},
    )
    agreement.refresh_from_db()
    assert agreement.status == CommissionStatus.APPROVED and agreement.decided_by == people.md
