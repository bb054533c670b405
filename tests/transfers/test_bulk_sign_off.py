"""Art. 17: the approver signs off the phone approvals recorded in their name in one sitting,
each one signed separately on its request's audit trail — all of the ticked ones, or none
when one of them changed meanwhile (disputed, recalled, already signed), with the page naming which
and why; or disputes one (the general manager is told). The same over the API."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kernel.errors import Conflict, NotFound
from notifications.models import Notification
from tests.builders import audit_rows, reason, to_awaiting_approval, token_client
from transfers import services
from transfers.errors import TransferErrorCode
from transfers.models import Approval, ApprovalDispute, ApprovalStep, AuditAction

SIGN_OFF_LEAD = AuditAction.of_sign_off(ApprovalStep.COUNTER_LEAD)
PAGE = "/approvals/sign-offs/"
API = "/api/v1/approvals/sign-off/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def by_phone(people, approver, **customer):
    req = to_awaiting_approval(people, people.customer("ordinary", **customer))
    return services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=approver, note="10:05 电话"
    )


def sign_offs_on(approval):
    return [e for e in audit_rows(approval.request) if e.action == SIGN_OFF_LEAD]


def signed(*approvals):
    return [Approval.with_withdrawn.get(pk=a.pk).signed_off_at is not None for a in approvals]


def messages_text(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- The page ------------------------------------------------------------------------------


def test_the_page_lists_each_phone_approval_with_its_requests_summary(client, people, frozen_now):
    first = by_phone(people, people.lead, name="张三丰")
    req = first.request
    req.primary_reason = reason()
    req.save(update_fields=["primary_reason"])
    someone_elses = by_phone(people, people.am)
    # Due Thursday 26th; on Monday 30th it is overdue.
    frozen_now.move_to(dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    client.force_login(people.lead)

    page = client.get(PAGE).content.decode()

    row = page.split(f'id="sign-off-row-{first.pk}"')[1].split("</tr>")[0]
    assert f"#{req.pk}" in row and req.customer.masked_name in row
    assert "张三丰" not in page  # the customer's name is masked
    assert req.items_display and all(item in row for item in req.items_display)
    assert str(req.customer.approval_tier.label) in row and str(req.primary_reason) in row
    assert str(people.clerk) in row and "2026-11-26" in row and "OVERDUE" in row
    assert f'id="sign-off-row-{someone_elses.pk}"' not in page


def test_the_director_still_sees_the_branchs_overdue_ones_there(client, people, frozen_now):
    late = by_phone(people, people.am)
    frozen_now.move_to(dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    client.force_login(people.md)
    page = client.get(PAGE).content.decode()
    assert f"#{late.request_id}" in page.split('id="branch-overdue-sign-offs"')[1]
    client.force_login(people.lead)
    assert 'id="branch-overdue-sign-offs"' not in client.get(PAGE).content.decode()


def test_the_approvals_queue_links_to_the_page(client, people):
    by_phone(people, people.lead)
    client.force_login(people.lead)
    assert PAGE in client.get(reverse("approvals_queue")).content.decode()


def test_the_ticked_ones_are_signed_each_on_its_own_request(client, people):
    one, two = by_phone(people, people.lead), by_phone(people, people.lead)
    left = by_phone(people, people.lead)
    client.force_login(people.lead)

    response = client.post(PAGE, {"approval": [one.pk, two.pk]}, follow=True)

    assert "Written sign-off recorded for 2 phone approvals." in messages_text(response)
    assert signed(one, two, left) == [True, True, False]
    assert [len(sign_offs_on(a)) for a in (one, two, left)] == [1, 1, 0]
    assert sign_offs_on(one)[0].actor_id == people.lead.pk
    page = response.content.decode()
    assert f'id="sign-off-row-{left.pk}"' in page
    assert f'id="sign-off-row-{one.pk}"' not in page


@pytest.mark.parametrize("role", ["clerk", "auditor"])
def test_who_has_no_approval_role_is_refused_the_page(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"approval": ["1"]}).status_code == 403


@pytest.mark.parametrize("role", ["lead", "am", "md", "gm"])
def test_every_approver_opens_the_page(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get(PAGE).status_code == 200


def test_another_branchs_approval_is_not_found_and_nothing_is_signed(client, people, other_branch):
    mine = by_phone(people, people.lead)
    theirs = by_phone(other_branch, other_branch.lead)
    client.force_login(people.lead)

    response = client.post(PAGE, {"approval": [mine.pk, theirs.pk]})

    assert response.status_code == 404
    assert signed(mine, theirs) == [False, False]
    assert sign_offs_on(mine) == []


def test_one_disputed_meanwhile_signs_nothing_and_is_named(client, people):
    one, two = by_phone(people, people.lead), by_phone(people, people.lead)
    client.force_login(people.lead)
    client.get(PAGE)
    # From the link they were sent, in another window, before ticking the list.
    services.approval_dispute(approval=two, actor=people.lead, reason="我没有接到这个电话")

    response = client.post(PAGE, {"approval": [one.pk, two.pk]})

    assert response.status_code == 409
    text = messages_text(response)
    assert f"Nothing was signed off: request #{two.request_id}" in text
    assert "You have disputed this approval" in text
    assert signed(one, two) == [False, False]
    assert sign_offs_on(one) == []
    # What was ticked stays ticked, but the disputed one is no longer listed.
    page = response.content.decode()
    assert f'value="{one.pk}" form="sign-offs-form" id="tick-{one.pk}"' in page
    assert f'id="sign-off-row-{two.pk}"' not in page


def test_one_already_signed_signs_nothing_and_is_named(client, people):
    one, two = by_phone(people, people.lead), by_phone(people, people.lead)
    services.approval_sign_off(approval=one, actor=people.lead)
    client.force_login(people.lead)

    response = client.post(PAGE, {"approval": [one.pk, two.pk]})

    assert response.status_code == 409
    assert f"request #{one.request_id}" in messages_text(response)
    assert "already signed off" in messages_text(response)
    assert signed(two) == [False]
    assert len(sign_offs_on(one)) == 1


def recalled_meanwhile(people):
    """Two phone approvals in the lead's name; the lead recalls the later one from its request
    page after the sign-off list was shown (Art. 17: an approval given too fast is taken back
    before it is acted on), so the ticked batch still names it."""
    one, two = by_phone(people, people.lead), by_phone(people, people.lead)
    services.approval_recall(request=two.request, actor=people.lead, reason="电话里听错了客户")
    return one, two


def test_one_recalled_meanwhile_signs_nothing_and_says_it_was_recalled(client, people):
    one, two = recalled_meanwhile(people)
    client.force_login(people.lead)

    response = client.post(PAGE, {"approval": [one.pk, two.pk]})

    assert response.status_code == 409
    text = messages_text(response)
    recalled_at = Approval.with_withdrawn.get(pk=two.pk).withdrawn_at
    assert recalled_at is not None
    when = recalled_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert (
        f"Nothing was signed off: request #{two.request_id} (Counter lead): "
        f"this approval was recalled on {when}" in text
    )
    assert signed(one, two) == [False, False]
    assert sign_offs_on(one) == [] and sign_offs_on(two) == []
    assert f'id="sign-off-row-{two.pk}"' not in response.content.decode()


def test_the_service_refuses_a_recalled_one_as_a_conflict_not_as_not_found(people):
    one, two = recalled_meanwhile(people)
    with pytest.raises(Conflict) as refused:
        services.approvals_sign_off(approval_ids=[one.pk, two.pk], actor=people.lead)
    assert refused.value.code == TransferErrorCode.WITHDRAWN
    assert refused.value.details == {"approval": two.pk, "request": two.request_id}
    assert signed(one) == [False]


def test_another_branchs_recalled_approval_is_still_not_found(people, other_branch):
    mine = by_phone(people, people.lead)
    theirs = by_phone(other_branch, other_branch.lead)
    services.approval_recall(request=theirs.request, actor=other_branch.lead, reason="听错了")
    with pytest.raises(NotFound):
        services.approvals_sign_off(approval_ids=[mine.pk, theirs.pk], actor=people.lead)
    assert signed(mine) == [False]


def test_someone_elses_phone_approval_in_the_batch_signs_nothing(client, people):
    mine, the_managers = by_phone(people, people.lead), by_phone(people, people.am)
    client.force_login(people.lead)

    response = client.post(PAGE, {"approval": [mine.pk, the_managers.pk]})

    assert response.status_code == 403
    assert "Only the approver signs off their own phone approval." in messages_text(response)
    assert signed(mine, the_managers) == [False, False]


@pytest.mark.parametrize("ticked", [[], ["abc"], ["-1"], ["99999999999"]])
def test_nothing_or_junk_ticked_is_a_message_not_an_error(client, people, ticked):
    mine = by_phone(people, people.lead)
    client.force_login(people.lead)
    response = client.post(PAGE, {"approval": ticked})
    assert response.status_code == 400
    assert messages_text(response)
    assert signed(mine) == [False]


def test_one_is_disputed_from_the_page_and_the_general_manager_is_told(client, people):
    one, two = by_phone(people, people.lead), by_phone(people, people.lead)
    client.force_login(people.lead)

    response = client.post(PAGE, {"dispute": two.pk, "reason": "那天我没接电话"}, follow=True)

    assert "Your dispute of request" in messages_text(response)
    assert ApprovalDispute.objects.get(approval=two).reason == "那天我没接电话"
    assert Notification.objects.filter(recipient=people.gm).exists()
    page = response.content.decode()
    assert f'id="sign-off-row-{two.pk}"' not in page
    assert f'id="sign-off-row-{one.pk}"' in page


def test_a_dispute_without_a_reason_is_refused_on_the_page(client, people):
    one = by_phone(people, people.lead)
    client.force_login(people.lead)
    response = client.post(PAGE, {"dispute": one.pk, "reason": " "})
    assert response.status_code == 400
    assert not ApprovalDispute.objects.exists()


def test_another_branchs_approval_cannot_be_disputed_from_the_page(client, people, other_branch):
    theirs = by_phone(other_branch, other_branch.lead)
    client.force_login(people.lead)
    response = client.post(PAGE, {"dispute": theirs.pk, "reason": "x"})
    assert response.status_code == 404
    assert not ApprovalDispute.objects.exists()


# --- The API -------------------------------------------------------------------------------


def test_the_api_signs_off_a_batch_once_under_its_idempotency_key(people):
    one, two = by_phone(people, people.lead), by_phone(people, people.lead)
    api = token_client(people, acting_as=people.lead)
    body = {"approvals": [two.pk, one.pk]}

    first = api.post(API, body, format="json", headers={"Idempotency-Key": "s1"})
    again = api.post(API, body, format="json", headers={"Idempotency-Key": "s1"})

    assert first.status_code == 200, first.content
    assert [a["id"] for a in first.json()["signed"]] == sorted([one.pk, two.pk])
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert [len(sign_offs_on(a)) for a in (one, two)] == [1, 1]


def test_the_api_refuses_another_branchs_id_with_a_404_and_signs_nothing(people, other_branch):
    mine = by_phone(people, people.lead)
    theirs = by_phone(other_branch, other_branch.lead)
    api = token_client(people, acting_as=people.lead)
    response = api.post(API, {"approvals": [mine.pk, theirs.pk]}, format="json")
    assert response.status_code == 404
    assert signed(mine, theirs) == [False, False]


def test_the_api_names_the_one_disputed_meanwhile_and_signs_nothing(people):
    one, two = by_phone(people, people.lead), by_phone(people, people.lead)
    # The later one, so that the earlier one was signed before the refusal undid it.
    services.approval_dispute(approval=two, actor=people.lead, reason="没接到电话")
    api = token_client(people, acting_as=people.lead)
    response = api.post(API, {"approvals": [one.pk, two.pk]}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["details"] == {"approval": two.pk, "request": two.request_id}
    assert f"request #{two.request_id}" in body["message"]
    assert signed(one) == [False] and sign_offs_on(one) == []


def test_the_api_names_the_one_recalled_meanwhile_with_a_409_and_signs_nothing(people):
    one, two = recalled_meanwhile(people)
    api = token_client(people, acting_as=people.lead)
    response = api.post(API, {"approvals": [one.pk, two.pk]}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["details"] == {"approval": two.pk, "request": two.request_id}
    assert f"request #{two.request_id}" in body["message"] and "recalled on" in body["message"]
    assert signed(one, two) == [False, False]


def test_the_api_needs_the_approvals_scope(people):
    mine = by_phone(people, people.lead)
    api = token_client(people, acting_as=people.lead, scopes=["transfers:read"])
    response = api.post(API, {"approvals": [mine.pk]}, format="json")
    assert response.status_code == 403
    assert signed(mine) == [False]


@pytest.mark.parametrize("body", [{}, {"approvals": []}, {"approvals": ["x"]}])
def test_the_api_refuses_a_bad_list_with_a_400(people, body):
    api = token_client(people, acting_as=people.lead)
    assert api.post(API, body, format="json").status_code == 400


@pytest.mark.django_db
def test_the_operation_is_in_the_openapi_contract(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"][API]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])
    assert {"400", "403", "404", "409"} <= set(operation["responses"])
