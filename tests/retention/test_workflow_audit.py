"""Promises, commission rates below the floor, contact tasks after a departure and complaints
are state machines: every change goes through one transition path that checks the state and
who may, and writes one audit row (who, when, from where, from which state to which, what
they said) in the same transaction (Art. 27, 28, 29, 34)."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.roles import Role
from kernel.calendar import beijing_today
from kernel.errors import Forbidden, InvalidState
from retention.models import (
    CommissionStatus,
    CommitmentStatus,
    ComplaintStatus,
    RetentionAction,
    RetentionAuditEntry,
    TaskStatus,
)
from retention.permissions import commission_actions, commitment_actions, contact_task_actions
from retention.services import (
    commission_agree,
    commission_approve,
    commission_refuse,
    commitment_cancel,
    commitment_create,
    commitment_keep,
    complaint_record,
    complaint_resolve,
    contact_task_complete,
    departure_reassign,
)
from tests.builders import assert_error_shape, person, token_client


def trail(obj):
    return [
        (e.action, e.from_state, e.to_state, e.actor, e.comment, e.client_ip)
        for e in obj.audit_entries.order_by("pk")
    ]


@pytest.fixture
def promise(people):
    customer = people.customer()
    return commitment_create(
        customer=customer,
        actor=people.clerk,
        what="升级交易软件",
        owner=people.am,
        within_trading_days=3,
        client_ip="10.0.0.7",
    )


def test_a_promise_kept_leaves_its_making_and_its_keeping_in_the_trail(people, promise):
    kept = commitment_keep(
        commitment=promise, actor=people.am, evidence="已安装新版", client_ip="10.0.0.8"
    )
    assert kept.status == CommitmentStatus.KEPT and kept.kept_on == beijing_today()
    assert trail(kept) == [
        (RetentionAction.COMMITMENT_MADE, "", "open", people.clerk, "", "10.0.0.7"),
        (RetentionAction.COMMITMENT_KEPT, "open", "kept", people.am, "已安装新版", "10.0.0.8"),
    ]


def test_only_the_owner_or_a_manager_closes_a_promise_and_a_refusal_changes_nothing(
    people, promise
):
    with pytest.raises(Forbidden, match="Only the owner or the branch's managers"):
        commitment_cancel(commitment=promise, actor=people.clerk, reason="客户不需要")
    promise.refresh_from_db()
    assert promise.status == CommitmentStatus.OPEN and promise.cancel_reason == ""
    assert len(trail(promise)) == 1
    commitment_cancel(commitment=promise, actor=people.md, reason="客户不需要")
    assert trail(promise)[-1][:4] == (
        RetentionAction.COMMITMENT_CANCELLED,
        "open",
        "cancelled",
        people.md,
    )


def test_a_closed_promise_cannot_be_closed_again(people, promise):
    commitment_keep(commitment=promise, actor=people.am, evidence="已安装新版")
    with pytest.raises(InvalidState, match="already “Kept”"):
        commitment_cancel(commitment=promise, actor=people.am, reason="改主意")
    assert len(trail(promise)) == 2


def test_the_page_and_the_api_offer_what_the_transition_table_allows(people, promise):
    assert commitment_actions(promise, people.am) == {"keep": True, "cancel": True}
    assert commitment_actions(promise, people.clerk) == {"keep": False, "cancel": False}
    owner_api = token_client(people, acting_as=people.am)
    url = f"/api/v1/commitments/{promise.pk}/"
    assert owner_api.get(url).json()["available_actions"] == ["cancel", "keep"]
    clerk_api = token_client(people, acting_as=people.clerk)
    assert clerk_api.get(url).json()["available_actions"] == []
    kept = owner_api.post(f"{url}keep/", {"evidence": "已安装"}, format="json")
    assert kept.status_code == 200 and kept.json()["available_actions"] == []
    again = owner_api.post(f"{url}keep/", {"evidence": "已安装"}, format="json")
    assert_error_shape(again, 409, "invalid_state")


@pytest.fixture
def below_floor(people):
    return commission_agree(
        customer=people.customer(), actor=people.clerk, rate=Decimal("0.000200"), note="老客户"
    )


def test_a_rate_below_the_floor_is_decided_once_by_the_director_with_a_trail(people, below_floor):
    assert below_floor.status == CommissionStatus.PENDING
    assert commission_actions(below_floor, people.md) == {"approve": True, "refuse": True}
    assert commission_actions(below_floor, people.gm) == {"approve": False, "refuse": False}
    approved = commission_approve(
        agreement=below_floor, actor=people.md, note="可以", client_ip="10.0.0.9"
    )
    assert approved.status == CommissionStatus.APPROVED and approved.decided_by == people.md
    assert trail(approved) == [
        (RetentionAction.COMMISSION_PROPOSED, "", "pending", people.clerk, "老客户", None),
        (RetentionAction.COMMISSION_APPROVED, "pending", "approved", people.md, "可以", "10.0.0.9"),
    ]
    with pytest.raises(InvalidState, match="already been decided"):
        commission_refuse(agreement=below_floor, actor=people.md, note="不行")


def test_the_director_who_proposed_a_rate_does_not_decide_it(people, below_floor):
    own = commission_agree(
        customer=below_floor.customer,
        actor=person(people, Role.MARKETING_DIRECTOR, Role.ACCOUNT_MANAGER),
        rate=Decimal("0.000200"),
    )
    with pytest.raises(Forbidden, match="Someone other than whoever proposed the rate"):
        commission_approve(agreement=own, actor=own.agreed_by)
    own.refresh_from_db()
    assert own.status == CommissionStatus.PENDING and own.decided_by is None
    assert len(trail(own)) == 1


@pytest.fixture
def contact_task(people):
    people.customer()  # of people.am, who leaves
    successor = person(people, Role.ACCOUNT_MANAGER)
    departure = departure_reassign(departed=people.am, actor=people.md, to_person=successor)
    return departure.tasks.get()


def test_a_contact_task_is_completed_by_its_assignee_and_the_trail_says_so(people, contact_task):
    assert contact_task_actions(contact_task, people.clerk) == {"complete": False}
    with pytest.raises(Forbidden, match="Only whoever the task is assigned to"):
        contact_task_complete(task=contact_task, actor=people.clerk, outcome="已联系")
    done = contact_task_complete(
        task=contact_task, actor=contact_task.assigned_to, outcome="客户留下", client_ip="10.1.1.1"
    )
    assert done.status == TaskStatus.DONE
    assert trail(done) == [
        (RetentionAction.CONTACT_DONE, "open", "done", done.assigned_to, "客户留下", "10.1.1.1")
    ]
    with pytest.raises(InvalidState, match="already done"):
        contact_task_complete(task=contact_task, actor=people.md, outcome="再次")


def test_a_resolved_complaint_is_in_the_trail_and_not_resolved_twice(people):
    complaint = complaint_record(customer=people.customer(), actor=people.clerk, summary="排队太久")
    resolved = complaint_resolve(complaint=complaint, actor=people.am, resolution="已致歉")
    assert resolved.status == ComplaintStatus.RESOLVED
    assert trail(resolved)[0][:4] == (
        RetentionAction.COMPLAINT_RESOLVED,
        "open",
        "resolved",
        people.am,
    )
    with pytest.raises(InvalidState):
        complaint_resolve(complaint=complaint, actor=people.am, resolution="再次")


def test_the_retention_trail_is_never_changed_or_removed(people, promise):
    entry = RetentionAuditEntry.objects.get(commitment=promise)
    entry.comment = "改写"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        RetentionAuditEntry.objects.filter(pk=entry.pk).update(comment="改写")
    with pytest.raises(PermissionError):
        entry.delete()


def test_an_overdue_promise_is_told_once_a_day_through_the_one_ledger(people, frozen_now):
    from jobs.models import DailyNotice
    from notifications.models import Notification
    from retention.services import commitments_escalate_overdue
    from tests.builders import at, make_commitment

    monday = dt.date(2026, 3, 16)
    at(frozen_now, monday)
    commitment = make_commitment(people, people.customer(), due_on=dt.date(2026, 3, 13))
    assert commitments_escalate_overdue(branch=people.branch, today=monday) == 1
    assert commitments_escalate_overdue(branch=people.branch, today=monday) == 0
    told = DailyNotice.objects.filter(
        kind="retention.commitment_overdue", ref=f"commitment:{commitment.pk}"
    )
    assert set(told.values_list("recipient", flat=True)) == {people.am.pk, people.md.pk}
    assert Notification.objects.filter(subject__contains="Overdue promise").count() == 2
