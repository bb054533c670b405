"""Who is told, and when, while a customer waits for approval (Art. 9, 10, 16, 17): the
approvers as their step opens, the clerk once the request is cleared or blocked, and the
marketing director when a customer has waited at the counter too long."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.norm.resolve import rule_set
from accounts.norm.services import refinement_propose
from accounts.roles import Role
from jobs.models import JobOutcome, JobTrigger
from jobs.registry import job_run
from kernel.errors import InvalidInput
from notifications.models import Notification
from tests.builders import (
    TODAY,
    beijing,
    important,
    in_retention,
    institution,
    person,
    reason,
    refine,
    set_core_state,
    to_awaiting_approval,
)
from transfers import services
from transfers.models import TransferRequest, TransferState
from transfers.services.notices import customer_waiting_alert

S = TransferState


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def inbox(staff) -> list[Notification]:
    return list(Notification.objects.filter(recipient=staff).order_by("pk"))


def approve(req, actor):
    return services.transfer_approve(request=req, actor=actor)


# --- The approvers, as their step opens ---------------------------------------------------


def test_the_lead_and_the_account_manager_are_told_once_when_the_request_reaches_them(people):
    req = to_awaiting_approval(people, people.customer())

    for approver in (people.lead, people.am):
        [note] = inbox(approver)
        assert f"Request #{req.pk} waits for your approval" in note.subject
        assert note.link == reverse("request_detail", args=[req.pk])
        assert req.customer.masked_name in note.body
    assert not inbox(people.md) and not inbox(people.gm) and not inbox(people.clerk)

    approve(req, people.lead)  # the account manager's step was already open: not told again
    assert len(inbox(people.am)) == 1


def test_a_dual_step_route_tells_the_director_only_once_the_lead_and_manager_have_approved(
    people,
):
    req = to_awaiting_approval(people, important(people))
    assert not inbox(people.md)

    approve(req, people.lead)
    assert not inbox(people.md)

    approve(req, people.am)
    [note] = inbox(people.md)
    assert f"Request #{req.pk}" in note.subject and "Marketing director" in note.subject
    assert not inbox(people.gm)  # an important customer's route ends with the director


def test_the_general_manager_is_told_after_the_marketing_director_approves(people):
    customer = institution(people)
    people.book_appointment(customer, booked_on=dt.date(2026, 11, 24))
    req = to_awaiting_approval(people, customer)
    approve(req, people.lead)
    approve(req, people.am)
    assert not inbox(people.gm)

    approve(req, people.md)

    [note] = inbox(people.gm)
    assert "General manager" in note.subject


def test_a_phone_approval_recorded_at_the_counter_opens_the_next_step_too(people):
    req = to_awaiting_approval(people, important(people))
    approve(req, people.lead)
    services.transfer_record_phone_approval(request=req, actor=people.clerk, approver=people.am)

    assert len(inbox(people.md)) == 1


def test_a_counter_lead_who_received_the_request_is_not_told_but_another_lead_is(people):
    second_lead = person(people, Role.COUNTER_LEAD)
    req = services.transfer_request_create(
        customer=people.customer(), actor=people.lead, wants_sh_revocation=True
    )
    services.transfer_documents_verify(
        request=req, actor=people.lead, checked=["identity", "securities_card", "fund_card"]
    )
    services.transfer_reason_record(request=req, actor=people.lead, primary_reason=reason())
    services.transfer_go_on(request=req, actor=people.lead)

    assert not inbox(people.lead)
    assert len(inbox(second_lead)) == 1 and len(inbox(people.am)) == 1


def test_only_the_customers_own_account_manager_is_told(people):
    other_am = person(people, Role.ACCOUNT_MANAGER)
    to_awaiting_approval(people, people.customer())

    assert len(inbox(people.am)) == 1
    assert not inbox(other_am)


def test_a_request_sent_back_and_sent_on_again_tells_its_approvers_afresh(people):
    req = to_awaiting_approval(people, people.customer())
    approve(req, people.lead)
    services.transfer_send_back(request=req, actor=people.am, comment="请补充原因")
    services.transfer_go_on(request=req, actor=people.clerk)

    # A new round: both are asked again, the lead for the second time.
    assert len(inbox(people.lead)) == 2
    assert len(inbox(people.am)) == 2


def test_nobody_in_another_branch_is_told(people, other_branch):
    customer = important(people)
    set_core_state(customer, open_bond_repo=True)
    req = to_awaiting_approval(people, customer)
    for approver in (people.lead, people.am, people.md):
        approve(req, approver)

    assert TransferRequest.objects.get(pk=req.pk).state == S.BLOCKED
    others = [other_branch.clerk, other_branch.lead, other_branch.am, other_branch.md]
    assert not Notification.objects.filter(recipient__in=others).exists()


def test_approvers_with_an_address_get_mail_once_the_approval_commits(
    people, django_capture_on_commit_callbacks
):
    people.md.email = "md@branch.example"
    people.md.save(update_fields=["email"])
    req = to_awaiting_approval(people, important(people))
    approve(req, people.lead)

    with django_capture_on_commit_callbacks(execute=False) as pending:
        approve(req, people.am)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in pending:
        callback()

    [message] = mail.outbox
    assert message.to == ["md@branch.example"]
    assert f"Request #{req.pk}" in message.subject
    assert reverse("request_detail", args=[req.pk]) in message.body


# --- The clerk who received it ------------------------------------------------------------


def test_the_clerk_is_told_when_the_approvals_complete_and_nothing_blocks(people):
    req = to_awaiting_approval(people, people.customer())
    approve(req, people.lead)
    assert not inbox(people.clerk)

    approve(req, people.am)

    [note] = inbox(people.clerk)
    assert note.subject == f"Request #{req.pk} is approved: process it now"
    assert "nothing blocks it" in note.body


def test_the_clerk_is_told_when_a_blocking_condition_holds(people):
    customer = people.customer()
    req = to_awaiting_approval(people, customer)
    set_core_state(customer, open_bond_repo=True)
    approve(req, people.lead)
    approve(req, people.am)

    [note] = inbox(people.clerk)
    assert note.subject == f"Request #{req.pk} is blocked (Art. 16)"
    assert "bond repo" in note.body


def test_the_clerk_is_not_told_again_of_what_they_did_themselves(people):
    customer = people.customer()
    req = to_awaiting_approval(people, customer)
    set_core_state(customer, open_bond_repo=True)
    approve(req, people.lead)
    approve(req, people.am)
    set_core_state(customer, open_bond_repo=False)

    services.transfer_recheck(request=req, actor=people.clerk)

    assert TransferRequest.objects.get(pk=req.pk).state == S.APPROVED
    assert len(inbox(people.clerk)) == 1  # only the block, which someone else's approval found


# --- The customer kept waiting at the counter ---------------------------------------------


def waiting_at_the_counter(people, frozen_now, *, at):
    frozen_now.move_to(at)
    req = in_retention(people)
    services.transfer_go_on(request=req, actor=people.clerk)
    return req


def test_the_director_is_told_once_after_twenty_minutes_and_not_before(people, frozen_now):
    req = waiting_at_the_counter(people, frozen_now, at=beijing(2026, 11, 25, 10, 0))

    counts = customer_waiting_alert(branch=people.branch, now=beijing(2026, 11, 25, 10, 19))
    assert counts["told"] == 0 and not inbox(people.md)

    told = customer_waiting_alert(branch=people.branch, now=beijing(2026, 11, 25, 10, 21))
    again = customer_waiting_alert(branch=people.branch, now=beijing(2026, 11, 25, 10, 40))

    assert (told["told"], again["told"]) == (1, 0)
    [note] = inbox(people.md)
    assert f"request #{req.pk}" in note.subject and "minutes for approvals" in note.subject
    assert "Counter lead、Account manager since 10:00" in note.body
    assert not Notification.objects.filter(recipient__in=[people.gm, people.clerk]).exists()


def test_the_wait_is_the_branchs_own_setting(people, frozen_now):
    refine(people.branch, "counter.wait_alert_minutes", 15)
    waiting_at_the_counter(people, frozen_now, at=beijing(2026, 11, 25, 10, 0))

    customer_waiting_alert(branch=people.branch, now=beijing(2026, 11, 25, 10, 14))
    assert not inbox(people.md)
    customer_waiting_alert(branch=people.branch, now=beijing(2026, 11, 25, 10, 16))
    assert len(inbox(people.md)) == 1


def test_a_customer_served_or_from_an_earlier_day_raises_no_alarm(people, frozen_now):
    yesterday = waiting_at_the_counter(people, frozen_now, at=beijing(2026, 11, 24, 14, 0))
    served = waiting_at_the_counter(people, frozen_now, at=beijing(2026, 11, 25, 10, 0))
    approve(served, people.lead)
    approve(served, people.am)

    counts = customer_waiting_alert(branch=people.branch, now=beijing(2026, 11, 25, 11, 0))

    assert counts["told"] == 0 and not inbox(people.md)
    assert TransferRequest.objects.get(pk=yesterday.pk).state == S.AWAITING_APPROVAL


def test_the_scheduled_check_runs_every_branch_against_its_own_setting(
    people, other_branch, frozen_now
):
    waiting_at_the_counter(people, frozen_now, at=beijing(2026, 11, 25, 10, 0))
    waiting_at_the_counter(other_branch, frozen_now, at=beijing(2026, 11, 25, 10, 0))
    refine(people.branch, "counter.wait_alert_minutes", 15)  # the other keeps the norm's 20
    frozen_now.move_to(beijing(2026, 11, 25, 10, 17))

    run = job_run(
        name="transfers.customer_waiting_check",
        business_date=TODAY,
        trigger=JobTrigger.SCHEDULE,
    )

    assert run.outcome == JobOutcome.SUCCEEDED, run.message
    assert run.counts["told"] == 1
    assert len(inbox(people.md)) == 1 and not inbox(other_branch.md)


def test_the_check_for_another_day_is_skipped(people):
    run = job_run(
        name="transfers.customer_waiting_check",
        business_date=dt.date(2026, 11, 24),
        trigger=JobTrigger.COMMAND,
    )
    assert run.outcome == JobOutcome.SKIPPED


def test_a_branch_cannot_set_a_wait_of_no_minutes(people):
    with pytest.raises(InvalidInput):
        refinement_propose(
            actor=people.gm,
            branch=people.branch,
            rule="counter.wait_alert_minutes",
            value="0",
            why="no wait",
        )
    assert rule_set(people.branch.pk)["counter.wait_alert_minutes"] == 20
