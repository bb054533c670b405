"""Which step a person who holds several approver roles takes (Art. 9, 10, 17), and what
everyone hears when nobody in the branch can approve a step: the request never sits
awaiting approval, in nobody's queue, without saying why."""

import datetime as dt
from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Staff
from accounts.roles import Role
from kernel.errors import ApplicationError
from tests.builders import audit_rows, page, person, state_of, to_awaiting_approval
from transfers import selectors, services
from transfers.models import Approval, TransferRequest, TransferState
from transfers.permissions import may_approve

S = TransferState
YESTERDAY = dt.date(2026, 11, 24)  # the trading day before the frozen Wednesday


@pytest.fixture(autouse=True)
def english():
    """The refusals these tests read are the English source texts."""
    with translation.override("en"):
        yield


def approve(req, actor):
    return services.transfer_approve(request=req, actor=actor)


def refused(req, actor, code):
    before = (state_of(req), Approval.objects.filter(request=req).count(), len(audit_rows(req)))
    with pytest.raises(ApplicationError) as caught:
        approve(req, actor)
    assert caught.value.code == code
    after = (state_of(req), Approval.objects.filter(request=req).count(), len(audit_rows(req)))
    assert after == before
    return caught.value


def fresh(req):
    return (
        TransferRequest.objects.select_related("customer", "customer__branch")
        .prefetch_related("approvals")
        .get(pk=req.pk)
    )


def waits_for(actor, req) -> bool:
    """The request page's "approve" and the approvals queue, which must agree."""
    allowed = may_approve(actor, fresh(req))
    assert selectors.requests_awaiting(actor).filter(pk=req.pk).exists() == allowed
    return allowed


def deactivate(*staff):
    """They have left the branch: their accounts are no longer active."""
    Staff.objects.filter(pk__in=[s.pk for s in staff]).update(is_active=False)
    for s in staff:
        s.is_active = False


def core_customer(people, **kwargs):
    customer = people.customer("core", **kwargs)
    people.book_appointment(customer, booked_on=YESTERDAY)
    return customer


# --- A person with two roles takes the step only they can fill ----------------------------


def test_a_counter_lead_who_is_the_customers_account_manager_takes_the_account_manager_step_and_the_lead_step_stays_open_for_another_lead(  # noqa: E501
    people,
):
    both = person(people, Role.COUNTER_LEAD, Role.ACCOUNT_MANAGER)
    req = to_awaiting_approval(people, people.customer("ordinary", account_manager=both))
    assert waits_for(both, req) and waits_for(people.lead, req)

    assert approve(req, both).step == "account_manager"

    assert state_of(req) == S.AWAITING_APPROVAL
    assert not waits_for(both, req)
    assert waits_for(people.lead, req)
    assert approve(req, people.lead).step == "counter_lead"
    assert state_of(req) == S.APPROVED


def test_a_lead_and_account_manager_whose_lead_step_another_lead_signed_takes_the_account_manager_step(  # noqa: E501
    people,
):
    both = person(people, Role.COUNTER_LEAD, Role.ACCOUNT_MANAGER)
    req = to_awaiting_approval(people, people.customer("ordinary", account_manager=both))
    approve(req, people.lead)
    assert approve(req, both).step == "account_manager"
    assert state_of(req) == S.APPROVED


def test_a_second_lead_after_the_lead_step_is_signed_hears_that_the_step_is_approved(people):
    both = person(people, Role.COUNTER_LEAD, Role.ACCOUNT_MANAGER)
    req = to_awaiting_approval(people, people.customer("ordinary", account_manager=both))
    approve(req, people.lead)
    error = refused(req, person(people, Role.COUNTER_LEAD), "already_approved")
    assert str(error) == "This step has already been approved."
    assert waits_for(both, req)


def test_someone_holding_every_approver_role_signs_only_their_own_customers_step(people):
    everything = person(
        people,
        Role.COUNTER_LEAD,
        Role.ACCOUNT_MANAGER,
        Role.MARKETING_DIRECTOR,
        Role.GENERAL_MANAGER,
    )
    req = to_awaiting_approval(people, core_customer(people, account_manager=everything))
    assert approve(req, everything).step == "account_manager"
    for approver in (people.lead, people.md, people.gm):
        assert waits_for(approver, req)
        approve(req, approver)
    assert state_of(req) == S.APPROVED


def test_a_lead_who_is_also_a_director_takes_the_lead_step_while_another_director_is_there(people):
    lead_and_md = person(people, Role.COUNTER_LEAD, Role.MARKETING_DIRECTOR)
    req = to_awaiting_approval(people, people.customer("important"))
    assert approve(req, lead_and_md).step == "counter_lead"
    approve(req, people.am)
    assert waits_for(people.md, req)
    approve(req, people.md)
    assert state_of(req) == S.APPROVED


def test_a_lead_who_is_the_only_director_keeps_their_approval_for_the_director_step(people):
    lead_and_md = person(people, Role.COUNTER_LEAD, Role.MARKETING_DIRECTOR)
    deactivate(people.md)
    req = to_awaiting_approval(people, people.customer("important"))

    assert not waits_for(lead_and_md, req)
    error = refused(req, lead_and_md, "needed_later")
    assert "Marketing director" in str(error)
    assert error.details == {"later": ["marketing_director"]}

    approve(req, people.lead)
    approve(req, people.am)
    assert waits_for(lead_and_md, req)
    assert approve(req, lead_and_md).step == "marketing_director"
    assert state_of(req) == S.APPROVED


# --- Nobody can approve a step: said at once, and by the service at the step --------------


def test_a_core_request_in_a_branch_without_an_active_general_manager_names_the_step_from_the_start(
    people,
):
    deactivate(people.gm)
    req = to_awaiting_approval(people, core_customer(people))

    gap = selectors.approval_gap(fresh(req))
    assert gap is not None and gap.steps == ("general_manager",)
    assert "the branch has no active “General manager”" in gap.message
    for approver in (people.lead, people.am, people.md):
        approve(req, approver)

    assert state_of(req) == S.AWAITING_APPROVAL
    assert not any(waits_for(s, req) for s in (people.lead, people.am, people.md, people.gm))
    for approver in (people.lead, people.md):
        error = refused(req, approver, "no_approver")
        assert error.details == {"steps": ["general_manager"]}
        assert "Nobody in the branch can approve the “General manager” step" in str(error)
    # A phone approval recorded at the counter hears the same.
    with pytest.raises(ApplicationError) as caught:
        services.transfer_record_phone_approval(request=req, actor=people.clerk, approver=people.md)
    assert caught.value.code == "no_approver"


def test_once_a_general_manager_is_appointed_the_stuck_request_waits_for_them(people):
    deactivate(people.gm)
    req = to_awaiting_approval(people, core_customer(people))
    for approver in (people.lead, people.am, people.md):
        approve(req, approver)
    appointed = person(people, Role.GENERAL_MANAGER)
    assert selectors.approval_gap(fresh(req)) is None
    assert waits_for(appointed, req)
    approve(req, appointed)
    assert state_of(req) == S.APPROVED


def test_an_account_manager_who_is_the_only_director_leaves_the_director_step_to_nobody_and_everyone_hears_it(  # noqa: E501
    people,
):
    am_and_md = person(people, Role.ACCOUNT_MANAGER, Role.MARKETING_DIRECTOR)
    deactivate(people.md)
    req = to_awaiting_approval(people, people.customer("important", account_manager=am_and_md))
    gap = selectors.approval_gap(fresh(req))
    assert gap is not None and gap.steps == ("marketing_director",)

    assert approve(req, am_and_md).step == "account_manager"  # nobody else can sign that one
    approve(req, people.lead)

    assert not any(waits_for(s, req) for s in (people.lead, am_and_md, people.gm))
    for approver in (am_and_md, people.lead, people.gm):
        error = refused(req, approver, "no_approver")
        assert error.details == {"steps": ["marketing_director"]}
    # Someone outside the approver roles hears their own reason.
    refused(req, people.auditor, "not_in_route")


def test_a_request_received_by_the_only_counter_lead_names_the_lead_step(people):
    customer = people.customer("ordinary")
    receiving_lead = people.lead
    counter = replace(people, clerk=receiving_lead)
    req = to_awaiting_approval(counter, customer)
    gap = selectors.approval_gap(fresh(req))
    assert gap is not None and gap.steps == ("counter_lead",)
    assert "received the request" in gap.message
    approve(req, people.am)
    refused(req, receiving_lead, "self_approval")  # the four-eyes rule keeps its own words
    refused(req, people.am, "no_approver")


def test_the_request_page_says_which_step_nobody_can_approve(client, people):
    deactivate(people.gm)
    req = to_awaiting_approval(people, core_customer(people))
    client.force_login(people.clerk)
    shown = page(client.get(reverse("request_detail", args=[req.pk])))
    assert 'id="approval-gap"' in shown
    assert "Nobody in the branch can approve the “General manager” step" in shown


def test_the_request_page_of_a_request_the_branch_can_approve_shows_no_gap(client, people):
    req = to_awaiting_approval(people, core_customer(people))
    client.force_login(people.clerk)
    assert 'id="approval-gap"' not in page(client.get(reverse("request_detail", args=[req.pk])))


def test_an_inactive_approver_is_not_recorded_by_phone(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    deactivate(people.lead)
    with pytest.raises(ApplicationError) as caught:
        services.transfer_record_phone_approval(
            request=req, actor=people.clerk, approver=people.lead
        )
    assert caught.value.code == "approver_inactive"
    assert not Approval.objects.filter(request=req).exists()
