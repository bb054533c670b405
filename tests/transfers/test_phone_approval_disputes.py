"""Art. 17: an approval given by phone is told at once to the person it was recorded in the
name of, who may dispute it: the approval stops counting, the round is taken again while the
customer's business is not done, and the directors and the clerk hear of it."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from kernel.errors import ApplicationError
from notifications.models import Notification
from tests.accounts.factories import TRADING_PASSWORD
from tests.builders import audit_rows, state_of, to_awaiting_approval
from transfers import selectors, services
from transfers.models import ApprovalDispute, TransferRequest, TransferState

S = TransferState


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def phone(req, people, approver):
    return services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=approver, note="10:05 电话"
    )


def dispute(approval, actor, reason="我没有接到这个电话"):
    return services.approval_dispute(approval=approval, actor=actor, reason=reason)


def refused(approval, actor, reason="我没有接到这个电话"):
    req = TransferRequest.objects.get(pk=approval.request_id)
    disputes = ApprovalDispute.objects.filter(approval=approval)
    before = (req.state, req.approval_round, len(audit_rows(req)), disputes.count())
    with pytest.raises(ApplicationError) as caught:
        dispute(approval, actor, reason)
    req.refresh_from_db()
    assert (req.state, req.approval_round, len(audit_rows(req)), disputes.count()) == before
    return caught.value


def approved_with_the_lead_by_phone(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = phone(req, people, people.lead)
    services.transfer_approve(request=req, actor=people.am)
    assert state_of(req) == S.APPROVED
    return req, approval


def test_a_phone_approval_is_told_at_once_to_the_named_approver(
    people, django_capture_on_commit_callbacks
):
    people.lead.email = "lead@branch.example"
    people.lead.save(update_fields=["email"])
    req = to_awaiting_approval(people, people.customer("ordinary"))
    with django_capture_on_commit_callbacks(execute=True):
        approval = phone(req, people, people.lead)

    notice = Notification.objects.filter(recipient=people.lead).latest("pk")
    assert f"request #{req.pk}" in notice.subject and "in your name" in notice.subject
    assert str(people.clerk) in notice.body and "dispute" in notice.body
    link = reverse("request_detail", args=[req.pk]) + f"#approval-{approval.pk}"
    assert notice.link == link
    [message] = [m for m in mail.outbox if m.to == ["lead@branch.example"]]
    assert link in message.body


def test_the_approver_disputes_and_the_round_is_taken_again(people):
    req, approval = approved_with_the_lead_by_phone(people)
    since = Notification.objects.values_list("pk", flat=True)
    told = Notification.objects.exclude(pk__in=list(since))

    dispute(approval, people.lead)

    fresh = TransferRequest.objects.get(pk=req.pk)
    assert (fresh.state, fresh.approval_round) == (S.AWAITING_APPROVAL, 2)
    assert ApprovalDispute.objects.get(approval=approval).disputed_by == people.lead
    disputed, reopened = audit_rows(req)[-2:]
    assert (disputed.action, disputed.actor_id) == ("approval_disputed", people.lead.pk)
    assert "我没有接到这个电话" in disputed.comment
    assert (reopened.action, reopened.from_state, reopened.to_state) == (
        "reopen_approval",
        S.APPROVED,
        S.AWAITING_APPROVAL,
    )
    about = told.filter(subject__contains="disputed")
    recipients = set(about.values_list("recipient_id", flat=True))
    assert recipients == {people.md.pk, people.gm.pk, people.clerk.pk}
    assert "我没有接到这个电话" in about.first().body
    # The round's approvers are asked again; the approval no longer counts.
    assert told.filter(recipient=people.am, subject__contains="waits for your approval").exists()
    assert not selectors.pending_sign_offs_for(people.lead).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_dispute_without_a_reason_is_refused(people, reason):
    _req, approval = approved_with_the_lead_by_phone(people)
    assert refused(approval, people.lead, reason).code == "comment_needed"


def test_only_the_person_named_disputes_a_phone_approval(people):
    _req, approval = approved_with_the_lead_by_phone(people)
    for staff in (people.clerk, people.am, people.md):
        assert refused(approval, staff).code == "forbidden"


def test_a_signed_off_approval_is_not_disputed_nor_a_disputed_one_signed_off(people):
    _req, approval = approved_with_the_lead_by_phone(people)
    services.approval_sign_off(approval=approval, actor=people.lead)
    assert refused(approval, people.lead).code == "already_signed"

    other = to_awaiting_approval(people, people.customer("ordinary"))
    by_phone = phone(other, people, people.am)
    dispute(by_phone, people.am)
    with pytest.raises(ApplicationError) as caught:
        services.approval_sign_off(approval=by_phone, actor=people.am)
    assert caught.value.code == "disputed"
    assert refused(by_phone, people.am).code == "disputed"


def test_a_dispute_during_processing_asks_for_approval_and_the_password_again(people):
    req, approval = approved_with_the_lead_by_phone(people)
    services.transfer_start_processing(request=req, actor=people.clerk)
    services.transfer_confirm_password(request=req, actor=people.clerk, password=TRADING_PASSWORD)

    dispute(approval, people.lead)

    fresh = TransferRequest.objects.get(pk=req.pk)
    assert (fresh.state, fresh.password_confirmed_at) == (S.AWAITING_APPROVAL, None)
    with pytest.raises(ApplicationError):
        services.transfer_start_processing(request=req, actor=people.clerk)


def test_a_dispute_after_the_customer_left_changes_nothing_but_is_told(people):
    req, approval = approved_with_the_lead_by_phone(people)
    services.transfer_start_processing(request=req, actor=people.clerk)
    services.transfer_confirm_password(request=req, actor=people.clerk, password=TRADING_PASSWORD)
    services.transfer_complete(
        request=req,
        actor=people.clerk,
        retained=[str(k) for k in services.required_retained(req)],
    )

    dispute(approval, people.lead)

    assert state_of(req) == S.COMPLETED
    assert audit_rows(req)[-1].action == "approval_disputed"
    notice = Notification.objects.filter(recipient=people.md, subject__contains="disputed").get()
    assert "no longer waits on it" in notice.body


def test_the_request_page_offers_the_dispute_to_the_approver_only(client, people):
    req, approval = approved_with_the_lead_by_phone(people)
    url = reverse("request_detail", args=[req.pk])
    client.force_login(people.am)
    assert f'id="dispute-{approval.pk}"' not in client.get(url).content.decode()

    client.force_login(people.lead)
    page = client.get(url).content.decode()
    assert f'id="approval-{approval.pk}"' in page and f'id="dispute-{approval.pk}"' in page

    target = reverse("approval_dispute", args=[approval.pk])
    response = client.post(target, {"reason": ""})
    assert response.status_code == 400
    assert state_of(req) == S.APPROVED

    response = client.post(target, {"reason": "我当时在开会，没有同意"}, follow=True)
    assert "Your dispute is recorded" in " ".join(str(m) for m in response.context["messages"])
    assert state_of(req) == S.AWAITING_APPROVAL
    page = response.content.decode()
    assert f'id="dispute-{approval.pk}"' not in page
