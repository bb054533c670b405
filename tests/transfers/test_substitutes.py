"""Substitutes for a period (Art. 17: approvers who are out): who may be named for which
steps and days, the substitute's approvals "for" the absent approver, the queue across the
ends of the range, and the page and API that name and cancel one."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import Role
from kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.accounts.factories import StaffFactory
from tests.builders import assert_error_shape, at, make_branch, to_awaiting_approval, token_client
from transfers import permissions, services
from transfers.models import ApprovalStep, AuditAction, Substitution, TransferState
from transfers.pdf import _approval_rows
from transfers.selectors import request_detail_queryset, requests_awaiting

MD = [ApprovalStep.MARKETING_DIRECTOR]
FIRST = dt.date(2026, 11, 25)  # a Wednesday, the suite's frozen today
SATURDAY = dt.date(2026, 11, 28)
LAST = dt.date(2026, 11, 30)  # a Monday
DAY_AFTER = dt.date(2026, 12, 1)


def name(people, *, absent=None, substitute=None, steps=MD, starts_on=FIRST, ends_on=LAST, by=None):
    absent = absent or people.md
    return services.substitution_create(
        actor=by or absent,
        absent=absent,
        substitute=substitute or people.gm,
        steps=steps,
        starts_on=starts_on,
        ends_on=ends_on,
        reason="客户拜访",
    )


def waiting_for_director(people):
    """An important customer's request with the counter lead and account manager signed: the
    marketing director's step is open."""
    req = to_awaiting_approval(people, people.customer("important"))
    services.transfer_approve(request=req, actor=people.lead)
    services.transfer_approve(request=req, actor=people.am)
    return req


# --- Who may be named --------------------------------------------------------------------


def test_an_approver_names_a_more_senior_substitute(people):
    made = name(people)
    assert made.steps == ["marketing_director"]
    assert made.branch_id == people.branch.pk and made.named_by == people.md


def test_the_general_manager_names_one_for_an_approver(people):
    made = name(
        people, absent=people.lead, substitute=people.md, steps=["counter_lead"], by=people.gm
    )
    assert made.named_by == people.gm


def test_nobody_else_names_one_for_an_approver(people):
    with pytest.raises(Forbidden):
        name(people, absent=people.md, by=people.lead)
    with pytest.raises(Forbidden):
        name(people, absent=people.clerk, substitute=people.lead, steps=["counter_lead"])


def test_self_substitution_is_refused(people):
    with pytest.raises(InvalidInput, match="themselves"):
        name(people, substitute=people.md)


@pytest.mark.parametrize(
    ("absent", "substitute", "step"),
    [
        ("md", "lead", "marketing_director"),  # counter lead < marketing director
        ("gm", "md", "general_manager"),  # marketing director < general manager
        ("lead", "am", "counter_lead"),  # an account manager ranks below the counter lead
    ],
)
def test_a_less_senior_substitute_is_refused(people, absent, substitute, step):
    with pytest.raises(InvalidInput, match="senior"):
        name(
            people,
            absent=getattr(people, absent),
            substitute=getattr(people, substitute),
            steps=[step],
        )


@pytest.mark.parametrize("substitute", ["am2", "lead", "md", "gm"])
def test_an_account_managers_step_is_covered_by_another_or_anyone_senior(people, substitute):
    am2 = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    who = am2 if substitute == "am2" else getattr(people, substitute)
    made = name(people, absent=people.am, substitute=who, steps=["account_manager"])
    assert made.substitute == who


def test_a_step_the_absent_approver_does_not_take_is_refused(people):
    with pytest.raises(InvalidInput, match="nothing to hand over"):
        name(people, steps=["general_manager"])


def test_a_substitute_of_another_branch_is_refused(people):
    elsewhere = make_branch("BJ09")
    with pytest.raises(InvalidInput, match="same branch"):
        name(people, substitute=elsewhere.gm)


def test_another_branchs_approver_is_not_found(people):
    elsewhere = make_branch("BJ09")
    with pytest.raises(NotFound):
        name(people, absent=elsewhere.md, substitute=people.gm, by=people.gm)


def test_dates_out_of_order_or_in_the_past_are_refused(people):
    with pytest.raises(InvalidInput, match="before the first"):
        name(people, starts_on=LAST, ends_on=FIRST)
    with pytest.raises(InvalidInput, match="past"):
        name(people, starts_on=FIRST - dt.timedelta(days=1))


def test_an_overlapping_substitution_for_the_same_step_is_refused(people):
    name(people, starts_on=FIRST, ends_on=LAST)
    with pytest.raises(Conflict, match="already has a substitute"):
        name(people, starts_on=LAST, ends_on=DAY_AFTER)
    # The day after the last one is free.
    name(people, starts_on=DAY_AFTER, ends_on=DAY_AFTER)


def test_another_step_on_the_same_days_is_not_an_overlap(people):
    both = StaffFactory(branch=people.branch, roles=[Role.MARKETING_DIRECTOR, Role.COUNTER_LEAD])
    name(people, absent=both, steps=MD)
    name(people, absent=both, steps=["counter_lead"])
    with pytest.raises(Conflict):
        name(people, absent=both, steps=["counter_lead", "marketing_director"])


def test_a_substitute_who_is_away_themselves_is_refused(people):
    gm2 = StaffFactory(branch=people.branch, roles=[Role.GENERAL_MANAGER])
    name(people, absent=people.gm, substitute=gm2, steps=["general_manager"], starts_on=SATURDAY)
    with pytest.raises(Conflict, match="away themselves"):
        name(people, starts_on=FIRST, ends_on=FIRST + dt.timedelta(days=3))
    # Before the general manager's own absence begins, they may stand in.
    name(people, starts_on=FIRST, ends_on=FIRST + dt.timedelta(days=1))


def test_a_cancelled_substitution_leaves_the_days_free(people):
    first = name(people)
    services.substitution_cancel(substitution=first, actor=people.md)
    assert name(people).pk != first.pk
    with pytest.raises(Conflict):
        services.substitution_cancel(substitution=first, actor=people.md)


def test_only_the_namer_the_absent_or_the_general_manager_cancels(people):
    made = name(people, absent=people.lead, substitute=people.md, steps=["counter_lead"])
    with pytest.raises(Forbidden):
        services.substitution_cancel(substitution=made, actor=people.am)
    services.substitution_cancel(substitution=made, actor=people.gm)


# --- The substitute's approvals ----------------------------------------------------------


def test_the_substitutes_approval_is_recorded_for_the_absent_approver(people):
    req = waiting_for_director(people)
    # Not on an important customer's route by their own role.
    assert not permissions.may_approve(people.gm, req)
    name(people)
    assert permissions.may_approve(
        people.gm, request_detail_queryset(people.branch.pk).get(pk=req.pk)
    )
    approval = services.transfer_approve(request=req, actor=people.gm)
    assert approval.step == ApprovalStep.MARKETING_DIRECTOR
    assert approval.approver == people.gm and approval.on_behalf_of == people.md
    req.refresh_from_db()
    assert req.state != TransferState.AWAITING_APPROVAL
    entry = req.audit_entries.get(
        action=AuditAction.of_approval(ApprovalStep.MARKETING_DIRECTOR, by_phone=False)
    )
    assert entry.actor == people.gm
    assert f"{people.gm} for {people.md}" in entry.comment
    # On the printed business form and the request page.
    full = request_detail_queryset(people.branch.pk).get(pk=req.pk)
    assert [f"{people.gm} for {people.md}"] == [
        row[1]
        for row in _approval_rows(full)
        if row[0] == str(ApprovalStep.MARKETING_DIRECTOR.label)
    ]


def test_an_approval_by_own_role_is_for_nobody(people):
    name(people, absent=people.lead, substitute=people.md, steps=["counter_lead"])
    req = to_awaiting_approval(people, people.customer("important"))
    approval = services.transfer_approve(request=req, actor=people.lead)
    assert approval.on_behalf_of is None


@pytest.mark.parametrize(
    ("day", "covered"),
    [(FIRST, True), (SATURDAY, True), (LAST, True), (DAY_AFTER, False)],
    ids=["first-day", "non-trading-day-inside", "last-day", "day-after"],
)
def test_the_substitute_sees_the_request_only_within_the_range(people, frozen_now, day, covered):
    req = waiting_for_director(people)
    name(people)
    at(frozen_now, day)
    queue = list(requests_awaiting(people.gm))
    assert (req in queue) is covered
    full = request_detail_queryset(people.branch.pk).get(pk=req.pk)
    assert permissions.may_approve(people.gm, full) is covered
    if covered:
        assert services.transfer_approve(request=req, actor=people.gm).on_behalf_of == people.md
    else:
        with pytest.raises(Forbidden):
            services.transfer_approve(request=req, actor=people.gm)


UTC = dt.UTC


@pytest.mark.parametrize(
    ("instant", "covered"),
    [
        (dt.datetime(2026, 11, 25, 15, 59, tzinfo=UTC), False),
        (dt.datetime(2026, 11, 25, 16, 0, tzinfo=UTC), True),
        (dt.datetime(2026, 11, 28, 2, 0, tzinfo=UTC), True),
        (dt.datetime(2026, 11, 30, 15, 59, tzinfo=UTC), True),
        (dt.datetime(2026, 11, 30, 16, 0, tzinfo=UTC), False),
    ],
    ids=[
        "day-before-23:59-beijing",
        "first-day-00:00-beijing",
        "saturday-inside",
        "last-day-23:59-beijing",
        "day-after-00:00-beijing",
    ],
)
def test_the_range_is_whole_days_in_beijing_time(people, frozen_now, instant, covered):
    """Art. 17: the days a substitute is named for are the branch's days, in Beijing time,
    not UTC's: Thursday the 26th begins at 16:00 UTC on the 25th, and Monday the 30th ends
    at 15:59 UTC on it. A non-trading day inside the range is covered like any other."""
    req = waiting_for_director(people)
    name(people, starts_on=FIRST + dt.timedelta(days=1))
    frozen_now.move_to(instant)
    assert (req in list(requests_awaiting(people.gm))) is covered
    if covered:
        approval = services.transfer_approve(request=req, actor=people.gm)
        assert approval.on_behalf_of == people.md
        assert approval.step == ApprovalStep.MARKETING_DIRECTOR
    else:
        with pytest.raises(Forbidden):
            services.transfer_approve(request=req, actor=people.gm)


def test_before_the_range_the_substitute_takes_nothing(people, frozen_now):
    req = waiting_for_director(people)
    name(people, starts_on=FIRST + dt.timedelta(days=1))
    assert req not in list(requests_awaiting(people.gm))
    at(frozen_now, FIRST + dt.timedelta(days=1))
    assert req in list(requests_awaiting(people.gm))


def test_a_cancelled_substitute_takes_nothing(people):
    req = waiting_for_director(people)
    made = name(people)
    services.substitution_cancel(substitution=made, actor=people.md)
    assert req not in list(requests_awaiting(people.gm))
    with pytest.raises(Forbidden):
        services.transfer_approve(request=req, actor=people.gm)


def test_a_substitute_who_already_approved_in_the_round_is_refused(people):
    # The counter lead may cover the account manager's step, but has signed the lead's.
    name(people, absent=people.am, substitute=people.lead, steps=["account_manager"])
    req = to_awaiting_approval(people, people.customer("ordinary"))
    services.transfer_approve(request=req, actor=people.lead)
    assert req not in list(requests_awaiting(people.lead))
    with pytest.raises(Conflict, match="already approved"):
        services.transfer_approve(request=req, actor=people.lead)


def test_a_substitute_never_approves_what_they_received(people):
    lead_clerk = StaffFactory(branch=people.branch, roles=[Role.COUNTER_CLERK, Role.COUNTER_LEAD])
    name(people, absent=people.am, substitute=lead_clerk, steps=["account_manager"])
    customer = people.customer("ordinary")
    req = services.transfer_request_create(
        customer=customer,
        actor=lead_clerk,
        wants_sz_transfer=True,
        sz_receiving_broker="某某证券",
        sz_receiving_seat="123456",
    )
    assert req not in list(requests_awaiting(lead_clerk))


def test_nobody_acts_for_an_approver_who_already_approved(people):
    # The account manager's step is covered by a second account manager for the first one;
    # the first one approved already in person: the substitute has nothing to take.
    am2 = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    name(people, absent=people.am, substitute=am2, steps=["account_manager"])
    req = to_awaiting_approval(people, people.customer("ordinary"))
    services.transfer_approve(request=req, actor=people.am)
    assert req not in list(requests_awaiting(am2))


def test_an_account_managers_substitute_covers_only_their_customers(people):
    am2 = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    am3 = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    name(people, absent=people.am, substitute=am2, steps=["account_manager"])
    theirs = to_awaiting_approval(people, people.customer("ordinary"))
    other = to_awaiting_approval(people, people.customer("ordinary", account_manager=am3))
    queue = list(requests_awaiting(am2))
    assert theirs in queue and other not in queue
    approval = services.transfer_approve(request=theirs, actor=am2)
    assert approval.step == ApprovalStep.ACCOUNT_MANAGER and approval.on_behalf_of == people.am


# --- What the absent approver sees on return ---------------------------------------------


def test_the_absent_approver_sees_what_was_done_in_their_name(people, client, frozen_now):
    req = waiting_for_director(people)
    name(people)
    services.transfer_approve(request=req, actor=people.gm)
    at(frozen_now, DAY_AFTER)
    client.force_login(people.md)
    page = client.get(reverse("approvals_queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="done-for-me"' in html and reverse("request_detail", args=[req.pk]) in html
    detail = client.get(reverse("request_detail", args=[req.pk])).content.decode()
    assert f"{people.gm} for {people.md}" in detail


def test_nothing_done_in_their_name_shows_no_card(people, client):
    client.force_login(people.md)
    assert 'id="done-for-me"' not in client.get(reverse("approvals_queue")).content.decode()


# --- The page ----------------------------------------------------------------------------


def _form(people, **changes):
    data = {
        "absent": people.md.pk,
        "substitute": people.gm.pk,
        "steps": ["marketing_director"],
        "starts_on": FIRST.isoformat(),
        "ends_on": LAST.isoformat(),
        "reason": "出差",
    }
    return {**data, **changes}


def test_the_page_names_and_cancels_a_substitute(people, client):
    client.force_login(people.md)
    url = reverse("approval_substitutes")
    assert client.get(url).status_code == 200
    response = client.post(url, _form(people))
    assert response.status_code == 302
    made = Substitution.objects.get()
    assert (made.absent, made.substitute, made.named_by) == (people.md, people.gm, people.md)
    page = client.get(url).content.decode()
    assert reverse("approval_substitute_cancel", args=[made.pk]) in page
    assert client.post(reverse("approval_substitute_cancel", args=[made.pk])).status_code == 302
    made.refresh_from_db()
    assert made.cancelled_at is not None


def test_a_refused_substitution_is_a_form_error_with_what_was_entered(people, client):
    client.force_login(people.md)
    response = client.post(
        reverse("approval_substitutes"), _form(people, substitute=people.lead.pk)
    )
    assert response.status_code == 200
    assert "senior" in response.content.decode()
    assert not Substitution.objects.exists()


def test_bad_dates_on_the_page_are_a_form_error(people, client):
    client.force_login(people.md)
    response = client.post(reverse("approval_substitutes"), _form(people, starts_on="not-a-day"))
    assert response.status_code == 200
    assert not Substitution.objects.exists()


def test_another_branchs_substitution_is_not_found(people, client):
    elsewhere = make_branch("BJ09")
    theirs = name(elsewhere)
    client.force_login(people.gm)
    response = client.post(reverse("approval_substitute_cancel", args=[theirs.pk]))
    assert response.status_code == 404


# --- The API -----------------------------------------------------------------------------


def test_the_api_lists_names_and_cancels_idempotently(people):
    api = token_client(people, acting_as=people.md)
    body = {
        "absent": people.md.pk,
        "substitute": people.gm.pk,
        "steps": ["marketing_director"],
        "starts_on": FIRST.isoformat(),
        "ends_on": LAST.isoformat(),
    }
    first = api.post("/api/v1/substitutes/", body, format="json", headers={"Idempotency-Key": "s1"})
    again = api.post("/api/v1/substitutes/", body, format="json", headers={"Idempotency-Key": "s1"})
    assert first.status_code == 201, first.content
    assert again.json() == first.json()
    assert Substitution.objects.count() == 1
    assert first.json()["available_actions"] == ["cancel"]
    listed = api.get("/api/v1/substitutes/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [first.json()["id"]]
    pk = first.json()["id"]
    cancelled = api.post(f"/api/v1/substitutes/{pk}/cancel/", {}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"]
    assert_error_shape(api.post(f"/api/v1/substitutes/{pk}/cancel/", {}, format="json"), 409)


def test_the_api_refuses_with_the_message(people):
    api = token_client(people, acting_as=people.md)
    body = {
        "absent": people.md.pk,
        "substitute": people.md.pk,
        "steps": ["marketing_director"],
        "starts_on": FIRST.isoformat(),
        "ends_on": LAST.isoformat(),
    }
    assert_error_shape(api.post("/api/v1/substitutes/", body, format="json"), 400)
    name(people)
    body["substitute"] = people.gm.pk
    assert_error_shape(api.post("/api/v1/substitutes/", body, format="json"), 409)
    body["steps"] = []
    assert_error_shape(api.post("/api/v1/substitutes/", body, format="json"), 400)


def test_the_api_is_for_approvers_only(people):
    api = token_client(people)  # the clerk
    assert api.get("/api/v1/substitutes/").status_code == 403


def test_the_contract_has_the_substitutes_operations(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/substitutes/"])
    assert "post" in paths["/api/v1/substitutes/{id}/cancel/"]
