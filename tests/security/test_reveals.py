"""PIPL Art. 51: every place that shows a customer's phone or identity number in full writes
exactly one access-log row — the work memo's contact phone and the admin's change form —
and shows nothing in full without it."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import AccessPurpose, CustomerAccessLog, RevealedField
from retention.models import WorkMemo
from tests.accounts.factories import StaffFactory
from tests.builders import defers, in_retention, page

PHONE = "13912345678"
FOLLOW_UP = dt.date(2026, 12, 9)


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def phone_logs(customer) -> list[CustomerAccessLog]:
    return list(
        CustomerAccessLog.objects.filter(customer=customer, field=RevealedField.PHONE).order_by(
            "pk"
        )
    )


@pytest.fixture
def memo(people) -> WorkMemo:
    customer = people.customer("ordinary", phone=PHONE)
    req = in_retention(people, customer)
    defers(people, req, FOLLOW_UP)
    return WorkMemo.objects.get(request=req)


# --- The work memo (Art. 30) ----------------------------------------------------------------


def test_the_memo_page_shows_the_contact_phone_masked_until_asked(client, people, memo):
    url = reverse("retention_memo", args=[memo.pk])
    for editor in (people.am, people.md, people.gm):
        client.force_login(editor)
        shown = page(client.get(url))
        assert 'id="memo-form"' in shown, editor
        assert PHONE not in shown and "139****5678" in shown, editor
        assert 'name="reveal_phone"' in shown, editor
    assert phone_logs(memo.customer) == []


def test_the_director_asks_for_the_memos_phone_and_one_row_is_written(client, people, memo):
    client.force_login(people.md)
    response = client.post(
        reverse("retention_memo", args=[memo.pk]), {"reveal_phone": "1"}, REMOTE_ADDR="10.3.3.3"
    )
    assert response.status_code == 200
    assert PHONE in page(response)
    assert response["Cache-Control"] == "no-store"
    (log,) = phone_logs(memo.customer)
    assert (log.actor, log.purpose, log.client_ip) == (
        people.md,
        AccessPurpose.WORK_MEMO,
        "10.3.3.3",
    )


def test_saving_the_memo_with_the_phone_left_empty_keeps_it(client, people, memo):
    client.force_login(people.am)
    response = client.post(
        reverse("retention_memo", args=[memo.pk]),
        {
            "main_reasons": "搬家",
            "contact_phone": "",
            "follow_up_on": "2026-12-20",
            "follow_up_notes": "电话回访一次",
        },
    )
    assert response.status_code == 302
    memo.refresh_from_db()
    assert memo.contact_phone == PHONE
    assert memo.follow_up_notes == "电话回访一次"


def test_a_reader_who_may_not_edit_cannot_ask_for_the_memos_phone(client, people, memo):
    client.force_login(people.auditor)
    url = reverse("retention_memo", args=[memo.pk])
    assert PHONE not in page(client.get(url))
    assert client.post(url, {"reveal_phone": "1"}).status_code == 403
    assert phone_logs(memo.customer) == []


def test_a_former_manager_edits_the_memo_but_does_not_see_the_phone(client, people, memo):
    # The customer moved to another manager: the memo's writer may still correct it
    # (Art. 30), but the phone is now the new manager's to call.
    customer = memo.customer
    customer.account_manager = StaffFactory(branch=people.branch, roles=["account_manager"])
    customer.save(update_fields=["account_manager"])
    client.force_login(people.am)
    url = reverse("retention_memo", args=[memo.pk])
    shown = page(client.get(url))
    assert 'id="memo-form"' in shown and 'name="reveal_phone"' not in shown
    followed = page(client.post(url, {"reveal_phone": "1"}, follow=True))
    assert PHONE not in followed and "may see the phone in full" in followed
    assert phone_logs(customer) == []


def test_another_branchs_memo_is_a_404(client, other_branch, people):
    customer = other_branch.customer("ordinary", phone=PHONE)
    req = in_retention(other_branch, customer)
    defers(other_branch, req, FOLLOW_UP)
    theirs = WorkMemo.objects.get(request=req)
    client.force_login(people.md)
    url = reverse("retention_memo", args=[theirs.pk])
    assert client.post(url, {"reveal_phone": "1"}).status_code == 404
    assert phone_logs(customer) == []


# --- The admin's change form ----------------------------------------------------------------


def test_the_superusers_change_form_is_logged_once_per_view(client, people):
    customer = people.customer(id_number="110101199003071234", phone=PHONE)
    client.force_login(StaffFactory(branch=people.branch, is_superuser=True))
    url = reverse("admin:accounts_customer_change", args=[customer.pk])

    shown = client.get(url, REMOTE_ADDR="10.4.4.4").content.decode()

    assert "110101199003071234" in shown
    (log,) = CustomerAccessLog.objects.filter(customer=customer)
    assert (log.channel, log.field, log.purpose, log.client_ip) == (
        "admin",
        RevealedField.RECORD,
        AccessPurpose.CORRECT_RECORD,
        "10.4.4.4",
    )


def test_branch_staff_see_the_admin_form_masked_and_nothing_is_logged(client, people):
    customer = people.customer(id_number="110101199003071234", phone=PHONE)
    client.force_login(people.gm)
    shown = client.get(reverse("admin:accounts_customer_change", args=[customer.pk]))
    assert shown.status_code == 200
    assert b"110101199003071234" not in shown.content and PHONE.encode() not in shown.content
    assert not CustomerAccessLog.objects.filter(customer=customer).exists()
