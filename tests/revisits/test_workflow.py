"""A revisit task is a state machine (open → done, open → cancelled, and a change of owner
while open): every change goes through kernel.workflow and leaves one append-only audit row
— who, when, from which state to which, from where, and for a reassignment whose task it
was. Who may take each step is revisits/permissions.py's, and the API says it per task."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import Role
from kernel.errors import Forbidden, InvalidInput, InvalidState
from kernel.workflow import transition_take
from notifications.models import Notification
from revisits import permissions
from revisits.models import (
    Channel,
    Reason,
    RevisitAction,
    RevisitTask,
    RevisitTaskAuditEntry,
    TaskStatus,
    Topic,
)
from revisits.services import (
    revisit_reassign,
    revisit_record,
    revisit_reminders_send,
    revisits_escalate_late,
    revisits_plan,
)
from tests.builders import (
    assert_error_shape,
    deferred,
    make_commitment,
    person,
    token_client,
)
from transfers.models import TransferState

D = dt.date
IP = "10.0.0.8"


def record(task, actor, **overrides):
    fields = {
        "done_on": D(2026, 11, 25),
        "channel": Channel.PHONE,
        "topics": list(Topic.values),
        "outcome": "客户对新的交易软件感兴趣",
        "client_ip": IP,
    }
    fields.update(overrides)
    return revisit_record(task=task, actor=actor, **fields)


def trail(task):
    return list(RevisitTaskAuditEntry.objects.filter(task=task).order_by("pk"))


def state_of(task):
    return RevisitTask.objects.get(pk=task.pk).status


# --- the audit row of each step ----------------------------------------------------------


def test_recording_writes_one_audit_row_from_open_to_done(people, first_week):
    record(first_week, people.am)

    [entry] = trail(first_week)
    assert entry.action == RevisitAction.RECORDED
    assert (entry.from_state, entry.to_state) == (TaskStatus.OPEN, TaskStatus.DONE)
    assert entry.actor == people.am
    assert entry.client_ip == IP
    assert entry.at is not None
    assert (entry.from_owner, entry.to_owner) == (None, None)
    assert state_of(first_week) == TaskStatus.DONE


def test_reassigning_keeps_the_previous_owner_in_the_trail(people, first_week):
    colleague = person(people, Role.ACCOUNT_MANAGER)

    revisit_reassign(task=first_week, actor=people.md, owner=colleague, client_ip=IP)

    [entry] = trail(first_week)
    assert entry.action == RevisitAction.REASSIGNED
    assert (entry.from_owner, entry.to_owner) == (people.am, colleague)
    assert (entry.from_state, entry.to_state) == (TaskStatus.OPEN, TaskStatus.OPEN)
    assert (entry.actor, entry.client_ip) == (people.md, IP)
    assert RevisitTask.objects.get(pk=first_week.pk).owner == colleague


def test_a_refused_next_contact_leaves_neither_the_record_nor_its_audit_row(people, first_week):
    with pytest.raises(InvalidInput) as refusal:
        record(first_week, people.am, next_contact_on=D(2027, 1, 30))

    assert refusal.value.code == "next_contact_too_late"
    assert state_of(first_week) == TaskStatus.OPEN
    assert trail(first_week) == []


# --- the transition table ----------------------------------------------------------------


def test_a_recorded_revisit_cannot_be_recorded_again(people, first_week):
    record(first_week, people.am)

    with pytest.raises(InvalidState) as twice:
        record(first_week, people.md)

    assert twice.value.code == "already_recorded"
    assert twice.value.status == 409
    assert len(trail(first_week)) == 1
    assert RevisitTask.objects.get(pk=first_week.pk).recorded_by == people.am


def test_a_closed_revisit_cannot_be_reassigned(people, first_week):
    record(first_week, people.am)

    with pytest.raises(InvalidState):
        revisit_reassign(task=first_week, actor=people.md, owner=people.gm)

    assert RevisitTask.objects.get(pk=first_week.pk).owner == people.am
    assert [e.action for e in trail(first_week)] == [RevisitAction.RECORDED]


def test_the_status_cannot_be_set_by_hand(first_week):
    with pytest.raises(AttributeError):
        first_week.status = TaskStatus.DONE
    assert state_of(first_week) == TaskStatus.OPEN


def test_the_table_itself_refuses_a_record_with_nothing_written_down(people, first_week):
    """Past the service, the transition's own condition still holds (Art. 31)."""
    with pytest.raises(InvalidInput):
        transition_take(first_week, "record", actor=people.am, record=lambda *_: None)
    assert state_of(first_week) == TaskStatus.OPEN


def test_nobody_cancels_a_revisit_by_hand(people, first_week):
    for someone in (people.am, people.md, people.gm):
        with pytest.raises(Forbidden):
            transition_take(first_week, "cancel", actor=someone, record=lambda *_: None)
    assert state_of(first_week) == TaskStatus.OPEN


# --- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COUNTER_CLERK, Role.AUDITOR, Role.ACCOUNT_MANAGER])
def test_someone_who_neither_owns_nor_supervises_is_forbidden_to_record(people, first_week, role):
    with pytest.raises(Forbidden) as refusal:
        record(first_week, person(people, role))

    assert "owner" in refusal.value.message
    assert state_of(first_week) == TaskStatus.OPEN
    assert trail(first_week) == []


@pytest.mark.parametrize("who", ["am", "clerk", "auditor"])
def test_only_a_supervisor_reassigns(people, first_week, who):
    colleague = person(people, Role.ACCOUNT_MANAGER)

    with pytest.raises(Forbidden) as refusal:
        revisit_reassign(task=first_week, actor=getattr(people, who), owner=colleague)

    assert "reassigns" in refusal.value.message
    assert RevisitTask.objects.get(pk=first_week.pk).owner == people.am
    assert trail(first_week) == []


def test_available_actions_follow_the_state_and_the_person(people, first_week):
    assert permissions.action_names(first_week, people.am) == ["record"]
    assert permissions.action_names(first_week, people.md) == ["reassign", "record"]
    assert permissions.action_names(first_week, people.auditor) == []
    assert permissions.action_names(first_week, people.clerk) == []

    done = record(first_week, people.am)

    assert permissions.action_names(done, people.am) == []
    assert permissions.action_names(done, people.md) == []


def test_another_branchs_supervisor_may_take_no_step(people, other_branch, first_week):
    assert permissions.action_names(first_week, other_branch.md) == []


# --- the planner ----------------------------------------------------------------------------


def test_the_planners_cancellations_write_one_row_per_task_by_nobody(people, calendar):
    customer = people.customer("ordinary")
    req = deferred(people, customer, on=D(2026, 11, 16), follow_up_on=D(2026, 12, 16))
    revisits_plan(branch=people.branch, business_date=D(2026, 11, 16), calendar=calendar)
    planned = list(RevisitTask.objects.filter(customer=customer).order_by("pk"))
    assert len(planned) == 2

    type(req).objects.filter(pk=req.pk).update(state=TransferState.WITHDRAWN)
    revisits_plan(branch=people.branch, business_date=D(2026, 11, 25), calendar=calendar)

    entries = list(RevisitTaskAuditEntry.objects.filter(task__customer=customer).order_by("pk"))
    assert [e.task_id for e in entries] == [t.pk for t in planned]
    for entry in entries:
        assert entry.action == RevisitAction.CANCELLED
        assert (entry.from_state, entry.to_state) == (TaskStatus.OPEN, TaskStatus.CANCELLED)
        assert entry.actor is None
        assert entry.comment == "The customer has decided; the deferral is over."
    assert {state_of(t) for t in planned} == {TaskStatus.CANCELLED}

    # Run again, nothing is left to cancel and nothing more is written.
    revisits_plan(branch=people.branch, business_date=D(2026, 11, 26), calendar=calendar)
    assert RevisitTaskAuditEntry.objects.filter(task__customer=customer).count() == 2


def test_a_kept_promise_cancels_its_contact_with_a_row_saying_why(people, calendar):
    from retention.models import Commitment, CommitmentStatus

    customer = people.customer("ordinary")
    commitment = make_commitment(people, customer, D(2026, 12, 10))
    revisits_plan(branch=people.branch, business_date=D(2026, 11, 25), calendar=calendar)
    Commitment.objects.filter(pk=commitment.pk).update(
        status=CommitmentStatus.KEPT, kept_on=D(2026, 11, 26), evidence="已升级"
    )

    revisits_plan(branch=people.branch, business_date=D(2026, 11, 26), calendar=calendar)

    task = RevisitTask.objects.get(customer=customer, reason=Reason.COMMITMENT)
    [entry] = trail(task)
    assert (entry.action, entry.actor, entry.comment) == (
        RevisitAction.CANCELLED,
        None,
        "The promise was kept or withdrawn.",
    )
    assert task.note == entry.comment


# --- append-only ---------------------------------------------------------------------------


def test_an_audit_row_cannot_be_changed_or_deleted_through_the_model(people, first_week):
    record(first_week, people.am)
    [entry] = trail(first_week)

    entry.comment = "改过的记录"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert RevisitTaskAuditEntry.objects.get(pk=entry.pk).comment == ""


@pytest.mark.parametrize("how", ["update", "delete"])
def test_an_audit_row_cannot_be_changed_or_deleted_through_a_queryset(people, first_week, how):
    record(first_week, people.am)
    rows = RevisitTaskAuditEntry.objects.filter(task=first_week)
    before = list(rows.values_list("pk", "comment", "actor_id"))

    with pytest.raises(PermissionError):
        if how == "update":
            rows.update(comment="改过的记录")
        else:
            rows.delete()

    assert list(rows.values_list("pk", "comment", "actor_id")) == before


# --- the API --------------------------------------------------------------------------------


def api_url(task, action=""):
    return f"/api/v1/revisit-tasks/{task.pk}/" + (f"{action}/" if action else "")


RECORD_BODY = {
    "done_on": "2026-11-25",
    "channel": "phone",
    "topics": ["activities", "situation"],
    "outcome": "客户表示满意",
}


def test_the_api_lists_record_for_the_owner_and_not_for_the_auditor(people, first_week):
    owner = token_client(people, acting_as=people.am).get(api_url(first_week))
    auditor = token_client(people, acting_as=people.auditor).get(api_url(first_week))
    director = token_client(people, acting_as=people.md).get(api_url(first_week))

    assert owner.status_code == 200, owner.content
    assert owner.json()["available_actions"] == ["record"]
    assert auditor.status_code == 200, auditor.content
    assert "record" not in auditor.json()["available_actions"]
    assert director.json()["available_actions"] == ["reassign", "record"]


def test_recording_through_the_api_is_audited_and_a_second_time_is_a_409(people, first_week):
    api = token_client(people, acting_as=people.am)

    first = api.post(api_url(first_week, "record"), RECORD_BODY, format="json", REMOTE_ADDR=IP)
    again = api.post(api_url(first_week, "record"), RECORD_BODY, format="json")

    assert first.status_code == 200, first.content
    assert first.json()["status"] == "done"
    assert first.json()["available_actions"] == []
    assert_error_shape(again, 409, "already_recorded")
    [entry] = trail(first_week)
    assert (entry.actor, entry.client_ip, entry.to_state) == (people.am, IP, TaskStatus.DONE)


def test_the_auditors_token_is_forbidden_to_record(people, first_week):
    api = token_client(people, acting_as=people.auditor)

    refused = api.post(api_url(first_week, "record"), RECORD_BODY, format="json")

    assert_error_shape(refused, 403, "forbidden")
    assert state_of(first_week) == TaskStatus.OPEN
    assert trail(first_week) == []


# --- the pages ------------------------------------------------------------------------------


def test_reassigning_on_the_task_page_shows_who_held_it_in_the_trail(people, first_week, client):
    colleague = person(people, Role.ACCOUNT_MANAGER)
    client.force_login(people.md)

    client.post(
        reverse("revisit_reassign", args=[first_week.pk]),
        {"owner": colleague.pk},
        REMOTE_ADDR="10.0.0.9",
    )
    page = client.get(reverse("revisit_detail", args=[first_week.pk]))

    [entry] = page.context["trail"]
    assert (entry.from_owner, entry.to_owner, entry.client_ip) == (
        people.am,
        colleague,
        "10.0.0.9",
    )
    shown = page.content.decode()
    assert f"{people.am} → {colleague}" in shown


def test_the_owners_page_offers_the_form_and_the_directors_also_reassign(
    people, first_week, client
):
    client.force_login(people.am)
    mine = client.get(reverse("revisit_detail", args=[first_week.pk]))
    client.force_login(people.md)
    theirs = client.get(reverse("revisit_detail", args=[first_week.pk]))

    assert mine.context["can"] == {"record": True, "reassign": False}
    assert mine.context["reassign_form"] is None
    assert theirs.context["can"] == {"record": True, "reassign": True}
    assert theirs.context["reassign_form"] is not None


# --- the sweeps' links ----------------------------------------------------------------------


def test_reminders_and_escalations_link_to_the_revisit_pages(people, calendar, first_week):
    revisit_reminders_send(branch=people.branch, business_date=D(2026, 11, 27), calendar=calendar)
    revisits_escalate_late(branch=people.branch, business_date=D(2026, 11, 30))

    [reminder] = Notification.objects.filter(recipient=people.am)
    [late] = Notification.objects.filter(recipient=people.md)
    assert reminder.link == reverse("revisit_list")
    assert late.link == reverse("revisit_late")
