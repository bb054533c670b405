"""The work memo (客户转销户工作备忘录, Art. 30): for every customer who left and every one who
deferred, exactly once per request."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kernel.errors import ApplicationError
from notifications.models import Notification
from retention.models import MemoOutcome, WorkMemo
from retention.services import memo_update
from tests.builders import defers, go_through, in_retention, page, stays, tick
from transfers import services

FOLLOW_UP = dt.date(2026, 12, 9)


def test_a_deferral_creates_the_memo_with_reasons_phone_and_follow_up_date(people):
    customer = people.customer("ordinary", phone="13912345678")
    req = in_retention(
        people, customer, reason_code="staff_attitude", others=["environment"], note="柜员态度差"
    )
    defers(people, req, FOLLOW_UP)

    memo = WorkMemo.objects.get(request=req)
    assert memo.outcome == MemoOutcome.DEFERRED
    assert memo.follow_up_on == FOLLOW_UP
    assert memo.deferred_on == dt.date(2026, 11, 25)
    assert memo.contact_phone == "13912345678"
    assert "员工服务态度" in memo.main_reasons and "营业部环境" in memo.main_reasons
    assert "柜员态度差" in memo.main_reasons
    assert memo.account_manager == people.am
    assert Notification.objects.filter(recipient=people.am, subject__contains="Work memo").exists()


def test_a_completed_transfer_creates_the_memo_once_with_the_day_snapshot(people):
    customer = people.customer("important")
    req = in_retention(people, customer, reason_code="competition", broker="示例证券")
    go_through(people, req)

    memo = WorkMemo.objects.get(request=req)
    assert memo.outcome == MemoOutcome.LEFT
    assert memo.left_on == dt.date(2026, 11, 25)
    assert memo.tier == "important"
    assert memo.assets == Decimal("1000000.00")
    assert memo.receiving_broker == "示例证券"
    assert memo.primary_reason.code == "competition"
    assert WorkMemo.objects.filter(customer=customer).count() == 1


def test_a_deferred_customer_who_later_leaves_keeps_one_memo_marked_left(people, frozen_now):
    req = in_retention(people)
    defers(people, req, FOLLOW_UP)
    frozen_now.move_to(dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    go_through(people, req)
    memo = WorkMemo.objects.get(request=req)
    assert WorkMemo.objects.count() == 1
    assert memo.outcome == MemoOutcome.LEFT
    assert memo.deferred_on == dt.date(2026, 11, 25) and memo.left_on == dt.date(2026, 12, 9)


def test_deferring_twice_keeps_one_memo_with_the_latest_follow_up(people):
    req = in_retention(people)
    defers(people, req, FOLLOW_UP)
    services.transfer_resume(request=req, actor=people.clerk)
    defers(people, req, dt.date(2026, 12, 30))
    assert WorkMemo.objects.get(request=req).follow_up_on == dt.date(2026, 12, 30)
    assert WorkMemo.objects.count() == 1


def test_a_deferred_customer_who_stays_has_the_memo_marked_stayed(people):
    req = in_retention(people)
    defers(people, req, FOLLOW_UP)
    stays(people, req)
    assert WorkMemo.objects.get(request=req).outcome == MemoOutcome.STAYED


def test_a_customer_who_stays_at_the_counter_needs_no_memo(people):
    req = in_retention(people)
    stays(people, req)
    assert not WorkMemo.objects.exists()


def test_the_account_manager_edits_the_memo_and_the_clerk_may_not(people):
    req = in_retention(people)
    defers(people, req, FOLLOW_UP)
    memo = WorkMemo.objects.get(request=req)
    memo_update(
        memo=memo,
        actor=people.am,
        main_reasons="离家远",
        contact_phone="13800000000",
        follow_up_on=dt.date(2026, 12, 15),
        follow_up_notes="已演示网上交易",
    )
    memo.refresh_from_db()
    assert (memo.main_reasons, memo.follow_up_on, memo.updated_by) == (
        "离家远",
        dt.date(2026, 12, 15),
        people.am,
    )
    with pytest.raises(ApplicationError, match="account manager"):
        memo_update(
            memo=memo,
            actor=people.clerk,
            main_reasons="x",
            contact_phone="",
            follow_up_on=None,
            follow_up_notes="",
        )
    with pytest.raises(ApplicationError, match="cannot be in the past"):
        memo_update(
            memo=memo,
            actor=people.am,
            main_reasons="x",
            contact_phone="",
            follow_up_on=dt.date(2026, 11, 1),
            follow_up_notes="",
        )


def test_the_memo_page_lets_the_account_manager_save(people, en_client):
    req = in_retention(people)
    tick(people, req, "show_online", answer="回去想想")
    defers(people, req, FOLLOW_UP)
    memo = WorkMemo.objects.get(request=req)
    en_client.force_login(people.am)
    url = reverse("retention_memo", args=[memo.pk])
    shown = page(en_client.get(url))
    assert "Show online trading in person" in shown and "回去想想" in shown
    response = en_client.post(
        url,
        {
            "main_reasons": "搬家",
            "contact_phone": "13800000000",
            "follow_up_on": "2026-12-20",
            "follow_up_notes": "电话回访一次",
        },
    )
    assert response.status_code == 302
    memo.refresh_from_db()
    assert memo.follow_up_notes == "电话回访一次"
    en_client.force_login(people.clerk)
    assert 'id="memo-form"' not in page(en_client.get(url))


def test_the_memo_prints_with_masked_phone_and_what_was_tried_and_promised(people, en_client):
    from retention.services import commitment_create

    customer = people.customer("ordinary", phone="13912345678")
    req = in_retention(people, customer, reason_code="equipment")
    tick(people, req, "listen", "promise_repair", answer="修好再说")
    commitment_create(customer=customer, actor=people.clerk, what="三天内修好二号机", request=req)
    defers(people, req, FOLLOW_UP)
    memo = WorkMemo.objects.get(request=req)
    en_client.force_login(people.am)
    response = en_client.get(reverse("retention_memo_pdf", args=[memo.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Work memo" in text
    assert customer.fund_account in text
    assert "139****5678" in text and "13912345678" not in text
    assert customer.id_number not in text
    assert "三天内修好二号机" in text and "修好再说" in text
    assert "2026-12-09" in text
