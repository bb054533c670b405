"""An approver recalls their own approval of the current round until processing starts: the
request waits for that step again, every later step already given falls with it (one audit
row per approval that falls), and after processing starts the recall is refused."""

import datetime as dt

import pytest
from django.urls import reverse

from kernel.errors import ApplicationError, Forbidden, InvalidInput, InvalidState
from tests.builders import (
    approve_all,
    audit_rows,
    set_core_state,
    state_of,
    to_approved,
    to_awaiting_approval,
    to_state,
    token_client,
)
from transfers import selectors, services
from transfers.models import Approval, AuditAction, TransferRequest, TransferState

S = TransferState
WHY = "客户补充了新的情况"
YESTERDAY = dt.date(2026, 11, 24)  # the trading day before the frozen Wednesday


def core_customer(people):
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=YESTERDAY)  # Art. 18
    return customer


def recall(req, actor, reason=WHY):
    return services.approval_recall(request=req, actor=actor, reason=reason)


def standing_steps(req) -> set[str]:
    fresh = TransferRequest.objects.get(pk=req.pk)
    return set(
        Approval.objects.filter(request=fresh, round=fresh.approval_round).values_list(
            "step", flat=True
        )
    )


def refused(req, actor, kind, reason=WHY):
    before = (state_of(req), standing_steps(req), len(audit_rows(req)))
    with pytest.raises(kind) as caught:
        recall(req, actor, reason)
    assert str(caught.value)
    assert (state_of(req), standing_steps(req), len(audit_rows(req))) == before
    return caught.value


def test_the_last_approver_recalls_and_the_approved_request_awaits_that_step_again(people):
    req = to_approved(people, people.customer("ordinary"))
    assert state_of(req) == S.APPROVED

    withdrawn = recall(req, people.am)

    assert [a.step for a in withdrawn] == ["account_manager"]
    assert state_of(req) == S.AWAITING_APPROVAL
    assert standing_steps(req) == {"counter_lead"}
    last = audit_rows(req)[-1]
    assert (last.action, last.from_state, last.to_state, last.actor) == (
        AuditAction.APPROVAL_RECALLED,
        S.APPROVED,
        S.AWAITING_APPROVAL,
        people.am,
    )
    assert WHY in last.comment
    # The step is free again, for the same approver too.
    assert req in selectors.requests_awaiting(people.am)
    services.transfer_approve(request=req, actor=people.am)
    assert state_of(req) == S.APPROVED


def test_a_recall_takes_every_later_step_with_it_and_leaves_the_peer_step(people):
    customer = core_customer(people)
    req = to_awaiting_approval(people, customer)
    for approver in (people.lead, people.am, people.md):
        services.transfer_approve(request=req, actor=approver)
    before = len(audit_rows(req))

    recall(req, people.lead)

    # The account manager's step does not wait for the lead's (Art. 9): it stands; the
    # director's was given on top of the lead's and falls with it.
    assert standing_steps(req) == {"account_manager"}
    rows = audit_rows(req)[before:]
    assert [r.action for r in rows] == [AuditAction.APPROVAL_RECALLED, AuditAction.APPROVAL_FELL]
    assert str(people.md) in rows[1].comment
    fallen = Approval.with_withdrawn.get(request=req, step="marketing_director")
    assert fallen.withdrawn_at is not None
    assert state_of(req) == S.AWAITING_APPROVAL
    # The director is not asked again until the lead's step is given again.
    assert req not in selectors.requests_awaiting(people.md)
    assert req in selectors.requests_awaiting(people.lead)


def test_the_directors_recall_takes_the_general_managers_approval_with_it(people):
    req = to_awaiting_approval(people, core_customer(people))
    approve_all(people, req)
    assert state_of(req) == S.APPROVED

    withdrawn = recall(req, people.md)

    assert [a.step for a in withdrawn] == ["marketing_director", "general_manager"]
    assert standing_steps(req) == {"counter_lead", "account_manager"}
    rows = audit_rows(req)[-2:]
    assert [(r.action, r.from_state, r.to_state) for r in rows] == [
        (AuditAction.APPROVAL_RECALLED, S.APPROVED, S.AWAITING_APPROVAL),
        (AuditAction.APPROVAL_FELL, S.AWAITING_APPROVAL, S.AWAITING_APPROVAL),
    ]


def test_a_blocked_request_may_still_be_recalled(people):
    req = to_state(people, S.BLOCKED)
    recall(req, people.lead)
    assert state_of(req) == S.AWAITING_APPROVAL


def test_a_recall_without_a_reason_is_refused(people):
    req = to_approved(people, people.customer("ordinary"))
    error = refused(req, people.lead, InvalidInput, reason="  ")
    assert error.code == "comment_needed"


def test_someone_who_has_not_approved_has_nothing_to_recall(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    services.transfer_approve(request=req, actor=people.lead)
    assert refused(req, people.am, Forbidden).code == "nothing_to_recall"
    assert refused(req, people.clerk, Forbidden).code == "nothing_to_recall"


def test_a_recall_after_processing_starts_is_refused(people):
    req = to_state(people, S.PROCESSING)
    error = refused(req, people.lead, InvalidState)
    assert "processing" in str(error).lower() or "处理" in str(error)


@pytest.mark.parametrize("state", [S.COMPLETED, S.DEFERRED, S.RETENTION])
def test_a_recall_outside_approval_is_refused(people, state):
    req = to_state(people, state)
    with pytest.raises(ApplicationError):
        recall(req, people.lead)


def test_another_branchs_approver_cannot_recall(people, other_branch):
    req = to_approved(people, people.customer("ordinary"))
    with pytest.raises(ApplicationError) as caught:
        recall(req, other_branch.lead)
    assert caught.value.code == "not_found"


def test_a_recalled_phone_approval_is_no_longer_due_for_sign_off(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    approval = services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.lead
    )
    assert approval in selectors.pending_sign_offs_for(people.lead)
    recall(req, people.lead)
    assert approval not in selectors.pending_sign_offs_for(people.lead)
    with pytest.raises(ApplicationError) as caught:
        services.approval_sign_off(approval=approval, actor=people.lead)
    assert caught.value.code == "withdrawn"


# --- The request page -----------------------------------------------------------------------


def test_the_page_offers_the_recall_to_the_approver_and_says_what_falls(client, people):
    customer = people.customer("important")
    req = to_awaiting_approval(people, customer)
    approve_all(people, req)
    client.force_login(people.lead)
    page = client.get(reverse("request_detail", args=[req.pk])).content.decode()
    assert 'id="panel-recall"' in page
    assert 'id="recall-falls"' in page and str(people.md) in page
    client.force_login(people.clerk)
    page = client.get(reverse("request_detail", args=[req.pk])).content.decode()
    assert 'id="panel-recall"' not in page


def test_the_page_recalls_with_a_reason_and_refuses_without_one(client, people):
    req = to_approved(people, people.customer("ordinary"))
    client.force_login(people.lead)
    url = reverse("request_recall", args=[req.pk])

    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400
    assert state_of(req) == S.APPROVED

    done = client.post(url, {"reason": WHY}, follow=True)
    assert done.status_code == 200
    assert state_of(req) == S.AWAITING_APPROVAL
    page = done.content.decode()
    assert 'id="panel-recall"' not in page
    assert str(AuditAction.APPROVAL_RECALLED.label) in page


def test_the_page_refuses_a_recall_after_processing_with_a_message(client, people):
    req = to_state(people, S.PROCESSING)
    client.force_login(people.lead)
    response = client.post(reverse("request_recall", args=[req.pk]), {"reason": WHY})
    # The request page again, with the service's refusal said.
    assert response.status_code == 400
    assert state_of(req) == S.PROCESSING
    page = response.content.decode()
    assert 'class="messages"' in page
    with pytest.raises(InvalidState) as caught:
        recall(req, people.lead)
    assert str(caught.value) in page.replace("&ldquo;", "“").replace("&rdquo;", "”")


# --- The API --------------------------------------------------------------------------------


def test_the_api_recalls_once_under_one_key_and_lists_the_action(people):
    req = to_approved(people, people.customer("ordinary"))
    api = token_client(people, acting_as=people.lead)
    url = f"/api/v1/requests/{req.pk}/"
    assert "recall" in api.get(url).json()["available_actions"]
    for _ in range(2):
        r = api.post(
            f"{url}recall/", {"reason": WHY}, format="json", headers={"Idempotency-Key": "r1"}
        )
        assert r.status_code == 200, r.content
    assert r.json()["state"] == "awaiting_approval"
    assert "recall" not in r.json()["available_actions"]
    assert sum(1 for e in audit_rows(req) if e.action == AuditAction.APPROVAL_RECALLED) == 1


def test_the_api_refuses_a_recall_after_processing_with_409(people):
    req = to_state(people, S.PROCESSING)
    api = token_client(people, acting_as=people.lead)
    r = api.post(f"/api/v1/requests/{req.pk}/recall/", {"reason": WHY}, format="json")
    assert r.status_code == 409, r.content
    assert r.json()["message"]


def test_the_api_requires_a_reason(people):
    req = to_approved(people, people.customer("ordinary"))
    api = token_client(people, acting_as=people.lead)
    r = api.post(f"/api/v1/requests/{req.pk}/recall/", {}, format="json")
    assert r.status_code == 400


# --- The race with processing on PostgreSQL --------------------------------------------------


def _recall_and_start(people, pk):
    def recall_it():
        return recall(TransferRequest.objects.get(pk=pk), people.lead)

    def start_it():
        return services.transfer_start_processing(
            request=TransferRequest.objects.get(pk=pk), actor=people.clerk
        )

    return [recall_it, start_it]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_recall_and_processing_start_at_once_one_wins(seeded_calendar):
    from tests.builders import make_branch
    from tests.concurrency import all_at_once

    for attempt in range(3):
        people = make_branch(f"R{attempt}")
        req = to_approved(people, people.customer("ordinary"))
        outcomes = all_at_once(_recall_and_start(people, req.pk))
        errors = [error for _result, error in outcomes if error is not None]
        assert len(errors) == 1, outcomes
        assert isinstance(errors[0], ApplicationError) and str(errors[0])
        recalled = outcomes[0][1] is None
        assert state_of(req) == (S.AWAITING_APPROVAL if recalled else S.PROCESSING)
        actions = [e.action for e in audit_rows(req)]
        assert (AuditAction.APPROVAL_RECALLED in actions) == recalled
        assert (AuditAction.START_PROCESSING in actions) != recalled


def test_a_recalled_blocked_request_is_checked_again_by_the_next_last_approval(people):
    """Art. 16: the block found at the last approval is checked again when the recalled step
    is given again."""
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    set_core_state(customer, open_bond_repo=True)
    approve_all(people, req)
    assert state_of(req) == S.BLOCKED
    recall(req, people.am)
    set_core_state(customer, open_bond_repo=False)
    services.transfer_approve(request=req, actor=people.am)
    assert state_of(req) == S.APPROVED


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_lets_an_approval_be_withdrawn_once_and_nothing_else(seeded_calendar):
    from django.db import DatabaseError, connection, transaction

    from tests.builders import make_branch

    people = make_branch()
    req = to_approved(people, people.customer("ordinary"))
    recall(req, people.lead)
    withdrawn = Approval.with_withdrawn.get(request=req, step="counter_lead")
    table = Approval._meta.db_table
    for statement in (
        f"UPDATE {table} SET withdrawn_at = now() WHERE id = %s",
        f"UPDATE {table} SET note = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [withdrawn.pk])
    standing = Approval.objects.get(request=req, step="account_manager")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET withdrawn_at = now() WHERE id = %s", [standing.pk])
