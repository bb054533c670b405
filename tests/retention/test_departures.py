"""Departure of an account manager or external broker (Art. 28): one action moves every
customer of theirs in the branch, flags them, and opens a contact task for each."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Customer
from accounts.roles import Role
from kernel.errors import ApplicationError
from notifications.models import Notification
from retention.models import (
    AtRiskFlag,
    DepartureKind,
    RetentionContactTask,
    RiskRule,
    ServiceTeam,
    ServiceTeamAssignment,
)
from retention.services import contact_task_complete, departure_reassign
from tests.accounts.factories import CustomerFactory, StaffFactory


@pytest.fixture
def leaving(people):
    """An account manager with three customers, and a colleague with one."""
    person = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER], display_name="离职甲")
    theirs = [people.customer(account_manager=person) for _ in range(3)]
    return person, theirs


def test_every_customer_is_moved_flagged_and_given_a_task(people, leaving):
    departed, theirs = leaving
    untouched = people.customer()  # people.am's
    departure = departure_reassign(
        departed=departed, actor=people.md, to_person=people.am, left_on=dt.date(2026, 11, 24)
    )
    assert departure.customers_moved == 3
    for customer in theirs:
        customer.refresh_from_db()
        assert customer.account_manager == people.am
        flag = AtRiskFlag.objects.get(customer=customer, rule=RiskRule.MANAGER_DEPARTED)
        assert flag.details["departed"] == "离职甲"
        task = RetentionContactTask.objects.get(customer=customer)
        assert task.assigned_to == people.am and task.departure == departure
        assert task.due_on == dt.date(2026, 11, 30)  # three trading days after Wed 25 Nov
    assert not AtRiskFlag.objects.filter(customer=untouched).exists()
    told = Notification.objects.get(recipient=people.am)
    assert "3 customers of 离职甲 are now yours" in told.subject


def test_nothing_from_another_branch_is_touched(people, other_branch, leaving):
    departed, _theirs = leaving
    # A record that should never exist — another branch's customer pointing at this
    # branch's person — is still left alone.
    stray = CustomerFactory(branch=other_branch.branch, account_manager=departed)
    theirs_there = other_branch.customer()
    departure_reassign(departed=departed, actor=people.md, to_person=people.am)
    stray.refresh_from_db()
    assert stray.account_manager == departed
    assert not AtRiskFlag.objects.filter(branch=other_branch.branch).exists()
    assert not RetentionContactTask.objects.filter(customer__in=[stray, theirs_there]).exists()
    assert Customer.objects.get(pk=theirs_there.pk).account_manager == other_branch.am


def test_customers_given_to_a_service_team_go_to_its_lead_and_members_hear(people, leaving):
    departed, theirs = leaving
    member = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    team = ServiceTeam.objects.create(branch=people.branch, name="VIP服务小组", lead=people.am)
    team.members.add(people.am, member)
    departure = departure_reassign(
        departed=departed, actor=people.gm, to_team=team, kind=DepartureKind.EXTERNAL_BROKER
    )
    assert departure.taken_over_by == "VIP服务小组"
    assert set(
        Customer.objects.filter(pk__in=[c.pk for c in theirs]).values_list(
            "account_manager", flat=True
        )
    ) == {people.am.pk}
    assert ServiceTeamAssignment.objects.filter(team=team).count() == 3
    assert RetentionContactTask.objects.filter(team=team).count() == 3
    assert Notification.objects.filter(recipient=member).exists()
    # Any member of the team may complete a task.
    task = RetentionContactTask.objects.filter(team=team).first()
    done = contact_task_complete(task=task, actor=member, outcome="客户同意留下")
    assert done.status == "done" and done.done_by == member


def test_what_a_departure_refuses(people, leaving, other_branch):
    departed, _theirs = leaving
    with pytest.raises(ApplicationError, match="marketing director or general manager"):
        departure_reassign(departed=departed, actor=people.clerk, to_person=people.am)
    with pytest.raises(ApplicationError, match="not an active account manager"):
        departure_reassign(departed=departed, actor=people.md, to_person=people.clerk)
    with pytest.raises(ApplicationError, match="back to the person who left"):
        departure_reassign(departed=departed, actor=people.md, to_person=departed)
    with pytest.raises(ApplicationError, match="one person or to one service team"):
        departure_reassign(departed=departed, actor=people.md)
    with pytest.raises(ApplicationError, match="Not found"):
        departure_reassign(departed=departed, actor=people.md, to_person=other_branch.am)
    departure_reassign(departed=departed, actor=people.md, to_person=people.am)
    with pytest.raises(ApplicationError, match="no customers"):
        departure_reassign(departed=departed, actor=people.md, to_person=people.am)


def test_the_director_reassigns_from_the_page(people, leaving, en_client):
    departed, theirs = leaving
    en_client.force_login(people.md)
    response = en_client.post(
        reverse("retention_departure_create"),
        {
            "departed": departed.pk,
            "kind": "employee",
            "left_on": "2026-11-25",
            "to_person": people.am.pk,
        },
    )
    assert response.status_code == 302
    detail = en_client.get(response["Location"]).content.decode()
    for customer in theirs:
        assert customer.masked_name in detail
    en_client.force_login(people.am)
    tasks = en_client.get(reverse("retention_tasks")).content.decode()
    assert tasks.count("/done/") == 3
