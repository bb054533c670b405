"""The approvers' desk in the admin, and the read-only request record."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import RequestFactory
from django.urls import reverse

from tests.accounts.factories import StaffFactory
from tests.builders import to_approved, to_awaiting_approval, to_completed
from transfers import services
from transfers.admin import AuditEntryInline, TransferAuditEntryAdmin
from transfers.models import (
    Appointment,
    Approval,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
)

QUEUE = "admin:transfers_approvalqueueitem_changelist"
SIGN_OFFS = "admin:transfers_pendingsignoff_changelist"
OVERDUE = "admin:transfers_overduesignoff_changelist"
LATE = "admin:transfers_laterequest_changelist"


@pytest.fixture
def en_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def listed(client, url_name) -> list[int]:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return [obj.pk for obj in response.context["cl"].result_list]


def act(client, url_name, action, *pks, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], "index": "0"}
    return client.post(reverse(url_name), {**data, **extra}, follow=True)


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def state_of(req: TransferRequest) -> str:
    return TransferRequest.objects.get(pk=req.pk).state


def test_important_request_reaches_the_director_only_after_lead_and_account_manager(
    people, en_client
):
    req = to_awaiting_approval(people, people.customer("important"))
    en_client.force_login(people.md)
    assert req.pk not in listed(en_client, QUEUE)

    services.transfer_approve(request=req, actor=people.lead)
    assert req.pk not in listed(en_client, QUEUE)

    services.transfer_approve(request=req, actor=people.am)
    assert listed(en_client, QUEUE) == [req.pk]


def test_queue_shows_the_request_to_the_lead_and_account_manager_first(people, en_client):
    req = to_awaiting_approval(people, people.customer("important"))
    for approver in (people.lead, people.am):
        en_client.force_login(approver)
        assert listed(en_client, QUEUE) == [req.pk]
    en_client.force_login(people.gm)
    assert listed(en_client, QUEUE) == []


def test_queue_never_shows_another_branchs_request(people, other_branch, en_client):
    req = to_awaiting_approval(people, people.customer("important"))
    services.transfer_approve(request=req, actor=people.lead)
    services.transfer_approve(request=req, actor=people.am)

    en_client.force_login(other_branch.md)
    assert listed(en_client, QUEUE) == []
    page = en_client.get(reverse("admin:transfers_approvalqueueitem_change", args=[req.pk]))
    assert page.status_code == 404


def test_queue_shows_the_customer_masked(people, en_client):
    customer = people.customer("ordinary", name="赵钱孙")
    to_awaiting_approval(people, customer)
    en_client.force_login(people.lead)

    page = en_client.get(reverse(QUEUE)).content.decode()

    assert "赵**" in page
    assert "赵钱孙" not in page
    assert customer.id_number not in page


def test_director_approving_an_important_request_approves_it(people, en_client):
    req = to_awaiting_approval(people, people.customer("important"))
    services.transfer_approve(request=req, actor=people.lead)
    services.transfer_approve(request=req, actor=people.am)
    en_client.force_login(people.md)

    response = act(en_client, QUEUE, "approve", req.pk)

    assert state_of(req) == TransferState.APPROVED
    assert Approval.objects.filter(request=req, approver=people.md, step="marketing_director")
    assert any("Approved" in m for m in shown_messages(response))
    assert req.pk not in [obj.pk for obj in response.context["cl"].result_list]


def test_approval_of_a_core_request_by_the_director_leaves_it_for_the_general_manager(
    people, en_client
):
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=dt.date(2026, 11, 24))
    req = to_awaiting_approval(people, customer)
    services.transfer_approve(request=req, actor=people.lead)
    services.transfer_approve(request=req, actor=people.am)
    en_client.force_login(people.md)

    act(en_client, QUEUE, "approve", req.pk)

    assert state_of(req) == TransferState.AWAITING_APPROVAL
    en_client.force_login(people.gm)
    assert listed(en_client, QUEUE) == [req.pk]


def test_send_back_asks_why_first_and_changes_nothing_until_told(people, en_client):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    en_client.force_login(people.lead)

    page = en_client.post(
        reverse(QUEUE), {"action": "send_back", ACTION_CHECKBOX_NAME: [str(req.pk)], "index": "0"}
    )

    assert page.status_code == 200
    assert "comment" in page.context["form"].fields
    assert state_of(req) == TransferState.AWAITING_APPROVAL


def test_send_back_with_a_comment_returns_the_request_to_the_retention_talk(people, en_client):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    en_client.force_login(people.lead)

    response = act(en_client, QUEUE, "send_back", req.pk, apply="1", comment="佣金可再谈")

    assert state_of(req) == TransferState.RETENTION
    entry = TransferAuditEntry.objects.filter(request=req).last()
    assert (entry.action, entry.actor, entry.comment) == ("send_back", people.lead, "佣金可再谈")
    assert any("Sent" in m for m in shown_messages(response))


def test_send_back_without_a_comment_is_asked_again(people, en_client):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    en_client.force_login(people.lead)

    page = en_client.post(
        reverse(QUEUE),
        {"action": "send_back", ACTION_CHECKBOX_NAME: [str(req.pk)], "apply": "1", "comment": ""},
    )

    assert page.status_code == 200
    assert page.context["form"].errors["comment"]
    assert state_of(req) == TransferState.AWAITING_APPROVAL


def test_action_refused_by_the_service_shows_its_message(people, en_client):
    req = to_awaiting_approval(people, people.customer("important"))
    services.transfer_approve(request=req, actor=people.lead)
    services.transfer_approve(request=req, actor=people.am)
    en_client.force_login(people.md)
    assert listed(en_client, QUEUE) == [req.pk]
    # Meanwhile the customer decides to stay.
    services.transfer_customer_stays(request=req, actor=people.clerk)

    response = act(en_client, QUEUE, "approve", req.pk)

    assert response.status_code == 200
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and "not awaiting approval" in errors[0]
    assert state_of(req) == TransferState.WITHDRAWN


def test_queue_detail_offers_approve_and_send_back_to_the_approver(people, en_client):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    en_client.force_login(people.am)

    page = en_client.get(reverse("admin:transfers_approvalqueueitem_change", args=[req.pk]))

    assert page.status_code == 200
    assert b'value="approve"' in page.content and b'value="send_back"' in page.content


def test_sign_off_action_signs_the_approvers_phone_approval(people, en_client):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    phone = services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.lead
    )
    en_client.force_login(people.lead)
    assert listed(en_client, SIGN_OFFS) == [phone.pk]

    response = act(en_client, SIGN_OFFS, "sign_off", phone.pk)

    phone.refresh_from_db()
    assert phone.signed_off_at is not None
    assert TransferAuditEntry.objects.filter(request=req, action="sign_off_counter_lead").exists()
    assert any("Signed off" in m for m in shown_messages(response))
    assert listed(en_client, SIGN_OFFS) == []


def test_phone_approvals_to_sign_off_are_only_the_approvers_own(people, en_client):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    services.transfer_record_phone_approval(request=req, actor=people.clerk, approver=people.lead)

    en_client.force_login(people.am)
    assert listed(en_client, SIGN_OFFS) == []


def test_signing_off_twice_shows_the_services_message(people, en_client):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    phone = services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.lead
    )
    en_client.force_login(people.lead)
    services.approval_sign_off(approval=phone, actor=people.lead)

    response = act(en_client, SIGN_OFFS, "sign_off", phone.pk)

    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and "already signed off" in errors[0]


def test_overdue_sign_offs_are_listed_for_the_director_and_general_manager(
    people, en_client, frozen_now
):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    phone = services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.am
    )  # Wednesday: due Thursday 2026-11-26
    frozen_now.move_to(dt.datetime(2026, 11, 26, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    en_client.force_login(people.md)
    assert listed(en_client, OVERDUE) == []

    frozen_now.move_to(dt.datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    for viewer in (people.md, people.gm):
        en_client.force_login(viewer)
        assert listed(en_client, OVERDUE) == [phone.pk]


def test_overdue_sign_offs_are_not_open_to_the_counter_lead(people, en_client):
    en_client.force_login(people.lead)
    assert en_client.get(reverse(OVERDUE)).status_code == 403


def test_late_requests_are_flagged_to_the_general_manager(people, en_client, frozen_now):
    req = to_awaiting_approval(people, people.customer("ordinary"))  # due Friday 2026-11-27
    en_client.force_login(people.gm)
    assert listed(en_client, LATE) == []

    frozen_now.move_to(dt.datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    en_client.force_login(people.gm)  # days later: the idle session has ended
    assert listed(en_client, LATE) == [req.pk]
    en_client.force_login(people.md)
    assert en_client.get(reverse(LATE)).status_code == 403


def test_the_counter_clerk_has_no_approvers_desk(people, en_client):
    en_client.force_login(people.clerk)
    for url_name in (QUEUE, SIGN_OFFS, OVERDUE, LATE):
        assert en_client.get(reverse(url_name)).status_code == 403


def test_audit_trail_cannot_be_changed_or_deleted_even_by_a_superuser(people):
    superuser = StaffFactory(branch=people.branch, is_superuser=True)
    request = RequestFactory().get("/")
    request.user = superuser
    entry = TransferAuditEntry.objects.filter(
        request=to_awaiting_approval(people, people.customer())
    ).first()

    audit_admin = admin.site._registry[TransferAuditEntry]
    inline = AuditEntryInline(TransferRequest, admin.site)
    assert isinstance(audit_admin, TransferAuditEntryAdmin)
    for model_admin in (audit_admin, inline):
        assert not model_admin.has_change_permission(request, entry)
        assert not model_admin.has_delete_permission(request, entry)
    assert not audit_admin.has_add_permission(request)
    assert not inline.has_add_permission(request, None)


def test_superuser_posting_to_the_audit_entrys_delete_page_is_refused(people, client):
    superuser = StaffFactory(branch=people.branch, is_superuser=True)
    req = to_awaiting_approval(people, people.customer())
    entry = TransferAuditEntry.objects.filter(request=req).first()
    client.force_login(superuser)

    url = reverse("admin:transfers_transferauditentry_delete", args=[entry.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert TransferAuditEntry.objects.filter(pk=entry.pk).exists()


def test_request_record_is_read_only_with_no_add_or_delete(people, client):
    superuser = StaffFactory(branch=people.branch, is_superuser=True)
    req = to_awaiting_approval(people, people.customer())
    client.force_login(superuser)

    assert client.get(reverse("admin:transfers_transferrequest_add")).status_code == 403
    delete = reverse("admin:transfers_transferrequest_delete", args=[req.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    page = client.get(reverse("admin:transfers_transferrequest_change", args=[req.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert TransferRequest.objects.filter(pk=req.pk).exists()


def test_request_record_shows_its_approvals_and_audit_trail(people, en_client):
    req = to_approved(people, people.customer("ordinary"))
    en_client.force_login(people.auditor)

    page = en_client.get(reverse("admin:transfers_transferrequest_change", args=[req.pk]))

    formsets = {f.formset.model for f in page.context["inline_admin_formsets"]}
    assert {Approval, TransferAuditEntry} <= formsets
    assert str(people.lead).encode() in page.content
    assert b"go_on" in page.content


def test_business_form_prints_from_the_admin_for_the_own_branch_only(
    people, other_branch, en_client
):
    req = to_awaiting_approval(people, people.customer())
    url = reverse("admin:transfers_transferrequest_business_form", args=[req.pk])

    en_client.force_login(people.md)
    response = en_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    en_client.force_login(other_branch.md)
    assert en_client.get(url).status_code == 404


def test_receipt_from_the_admin_of_a_request_not_completed_says_why(people, en_client):
    req = to_approved(people, people.customer())
    en_client.force_login(people.md)

    response = en_client.get(
        reverse("admin:transfers_transferrequest_receipt", args=[req.pk]), follow=True
    )

    assert any("completed request" in m for m in shown_messages(response))


def test_receipt_prints_from_the_admin_once_completed(people, en_client):
    req = to_completed(people, people.customer())
    en_client.force_login(people.gm)

    response = en_client.get(reverse("admin:transfers_transferrequest_receipt", args=[req.pk]))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_director_books_an_appointment_in_the_admin_through_the_service(people, en_client):
    customer = people.customer("core")
    en_client.force_login(people.md)

    response = en_client.post(
        reverse("admin:transfers_appointment_add"),
        {"customer": customer.pk, "host": people.md.pk, "findings": "嫌佣金高"},
        follow=True,
    )

    assert response.status_code == 200
    appointment = Appointment.objects.get(customer=customer)
    assert (appointment.booked_by, appointment.booked_on) == (people.md, dt.date(2026, 11, 25))
    assert appointment.findings == "嫌佣金高"


def test_a_second_open_appointment_shows_the_services_message(people, en_client):
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=dt.date(2026, 11, 24))
    en_client.force_login(people.md)

    page = en_client.post(
        reverse("admin:transfers_appointment_add"),
        {"customer": customer.pk, "host": people.gm.pk, "findings": ""},
    )

    assert page.status_code == 200
    assert "already has an open appointment" in str(page.context["adminform"].form.errors)
    assert Appointment.objects.filter(customer=customer).count() == 1


def test_findings_are_recorded_in_the_admin_and_nothing_else_changes(people, en_client):
    customer = people.customer("core")
    appointment = people.book_appointment(customer, booked_on=dt.date(2026, 11, 24))
    en_client.force_login(people.gm)

    en_client.post(
        reverse("admin:transfers_appointment_change", args=[appointment.pk]),
        {"findings": "竞争对手佣金万一", "host": people.gm.pk},  # the host is read-only
    )

    appointment.refresh_from_db()
    assert appointment.findings == "竞争对手佣金万一"
    assert appointment.host == people.md


def test_request_record_shows_the_agent_masked(people, en_client):
    req = to_awaiting_approval(
        people,
        people.customer(),
        wants_sh_revocation=True,
        by_agent=True,
        agent_name="李四",
        agent_id_number="31010119800101123X",
    )
    en_client.force_login(people.auditor)

    page = en_client.get(reverse("admin:transfers_transferrequest_change", args=[req.pk]))

    assert "310101********123X" in page.content.decode()
    assert b"31010119800101123X" not in page.content
    assert "李四" not in page.content.decode()
