"""The revisit pages as people use them: the owner's list by due date, recording a revisit
on the task page, the marketing director's late list, rules, events with invitations and
attendance, the accounts ready to close — and another branch's records are a 404 on every
page."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import Role
from kernel.calendar import TradingCalendar
from revisits.models import (
    EventInvitation,
    Reason,
    RevisitEvent,
    RevisitTask,
    TaskStatus,
)
from revisits.services import revisits_plan
from tests.accounts.factories import StaffFactory
from tests.builders import beijing, departed, important, institution
from transfers.models import ClosureCandidate

D = dt.date


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages speak Chinese unless the person chose English (the language cookie); the
    messages these tests read are the English source texts."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def planned(people, calendar):
    """Two important customers who left this week: one due today (left Fri 20 Nov, late),
    one due Fri 27 Nov."""
    late = important(people, name="王五")
    departed(people, late, on=D(2026, 11, 20))
    this_week = important(people, name="赵六")
    departed(people, this_week, on=D(2026, 11, 23))
    revisits_plan(branch=people.branch, business_date=D(2026, 11, 25), calendar=calendar)
    return {
        "late": RevisitTask.objects.get(customer=late, reason=Reason.LEFT_FIRST),
        "this_week": RevisitTask.objects.get(customer=this_week, reason=Reason.LEFT_FIRST),
    }


def test_owner_sees_late_and_todays_revisits_then_the_next_trading_days(people, planned, client):
    due_tomorrow = RevisitTask.objects.create(
        branch=people.branch,
        customer=people.customer(),
        reason=Reason.FOLLOW_UP,
        source_ref="test",
        due_on=D(2026, 11, 26),
        owner=people.am,
    )
    client.force_login(people.am)

    response = client.get(reverse("revisit_list"))

    assert response.status_code == 200
    assert response.context["due"] == [planned["late"]]
    assert response.context["tomorrow"] == D(2026, 11, 26)
    assert response.context["next_day"] == [due_tomorrow]
    assert planned["this_week"] in response.context["later"]
    assert planned["late"].customer.fund_account in response.content.decode()


def test_someone_elses_list_is_not_mine(people, planned, client):
    client.force_login(StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER]))
    response = client.get(reverse("revisit_list"))
    assert response.context["due"] == [] and response.context["later"] == []


def test_owner_records_a_revisit_on_the_task_page(people, planned, client):
    task = planned["late"]
    client.force_login(people.am)

    page = client.get(reverse("revisit_detail", args=[task.pk]))
    response = client.post(
        reverse("revisit_detail", args=[task.pk]),
        {
            "done_on": "2026-11-25",
            "channel": "phone",
            "topics": ["activities", "situation", "relationship"],
            "outcome": "客户表示新公司佣金更低,愿意参加下月活动",
            "next_contact_on": "2026-12-10",
        },
    )

    assert page.status_code == 200 and page.context["can"]["record"]
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.next_task.due_on == D(2026, 12, 10)
    shown = client.get(response["Location"]).content.decode()
    assert "Next contact due 2026-12-10" in shown


def test_refused_record_shows_the_reason_on_the_form(people, planned, client):
    client.force_login(people.am)
    response = client.post(
        reverse("revisit_detail", args=[planned["late"].pk]),
        {
            "done_on": "2026-11-25",
            "channel": "phone",
            "topics": ["situation"],
            "outcome": "好",
            "next_contact_on": "2027-02-01",
        },
    )
    assert response.status_code == 400
    assert "Art. 31" in response.content.decode()
    assert RevisitTask.objects.get(pk=planned["late"].pk).status == TaskStatus.OPEN


def test_auditor_reads_a_task_but_has_no_form(people, planned, client):
    client.force_login(people.auditor)
    page = client.get(reverse("revisit_detail", args=[planned["late"].pk]))
    post = client.post(
        reverse("revisit_detail", args=[planned["late"].pk]),
        {"done_on": "2026-11-25", "channel": "phone", "topics": ["situation"], "outcome": "x"},
    )
    assert page.status_code == 200 and not page.context["can"]["record"]
    assert post.status_code == 400
    assert RevisitTask.objects.get(pk=planned["late"].pk).status == TaskStatus.OPEN


def test_marketing_director_sees_everything_late(people, planned, client):
    client.force_login(people.md)
    response = client.get(reverse("revisit_late"))
    assert response.status_code == 200
    assert response.context["tasks"] == [planned["late"]]


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.COUNTER_CLERK])
def test_late_list_is_for_the_directors_and_auditor(people, client, role):
    client.force_login(StaffFactory(branch=people.branch, roles=[role]))
    assert client.get(reverse("revisit_late")).status_code == 403


def test_director_reassigns_from_the_task_page(people, planned, client):
    colleague = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    client.force_login(people.md)
    client.post(reverse("revisit_reassign", args=[planned["late"].pk]), {"owner": colleague.pk})
    assert RevisitTask.objects.get(pk=planned["late"].pk).owner == colleague


def test_the_old_rules_address_leads_to_the_branchs_rule_set(people, client):
    client.force_login(people.md)
    response = client.get(reverse("revisit_rules"))
    assert response.status_code == 302
    assert response["Location"] == reverse("branch_rules") + "#revisits"


def test_event_invitations_from_a_filtered_list_and_attendance(people, client, frozen_now):
    left_long_ago = institution(people, name="甲机构")
    departed(people, left_long_ago, on=D(2026, 1, 12))
    recent = important(people, name="钱七")
    departed(people, recent, on=D(2026, 11, 2))
    ordinary = people.customer(name="孙八")
    departed(people, ordinary, on=D(2026, 11, 3))
    stayed = important(people, name="周九")  # never left: never on the list
    client.force_login(people.md)

    created = client.post(
        reverse("revisit_event_create"),
        {
            "title": "2027年投资策略会",
            "starts_at": "2026-12-12T14:00",
            "place": "营业部三楼报告厅",
            "programme": "宏观展望、新产品介绍",
        },
    )
    event = RevisitEvent.objects.get()
    assert created["Location"] == reverse("revisit_event_detail", args=[event.pk])

    everyone = client.get(reverse("revisit_event_detail", args=[event.pk]))
    assert {c.pk for c in everyone.context["candidates"]} == {
        left_long_ago.pk,
        recent.pk,
        ordinary.pk,
    }
    assert stayed.pk not in {c.pk for c in everyone.context["candidates"]}
    query = {"tier": "priority", "left_within_months": "3"}
    filtered = client.get(reverse("revisit_event_detail", args=[event.pk]), query)
    assert [c.pk for c in filtered.context["candidates"]] == [recent.pk]

    # A customer not on the filtered list cannot be slipped in.
    url = reverse("revisit_event_invite", args=[event.pk]) + "?tier=priority&left_within_months=3"
    client.post(url, {"customers": [recent.pk]})
    client.post(url, {"customers": [recent.pk, ordinary.pk]})
    assert list(EventInvitation.objects.values_list("customer_id", flat=True)) == [recent.pk]

    frozen_now.move_to(beijing(2026, 12, 12, 17))
    client.force_login(people.md)  # the session of three weeks ago has expired
    client.post(reverse("revisit_event_attendance", args=[event.pk]), {"customers": [recent.pk]})
    assert EventInvitation.objects.get().attended is True


def test_account_manager_cannot_create_an_event(people, client):
    client.force_login(people.am)
    assert client.get(reverse("revisit_event_create")).status_code == 403


def test_closure_list_shows_the_latest_sweep_to_the_counter_lead(people, client):
    customer = people.customer(sh_designated_here=False)
    ClosureCandidate.objects.create(
        branch=people.branch, customer=customer, business_date=D(2026, 11, 25)
    )
    client.force_login(people.lead)

    response = client.get(reverse("revisit_closures"))

    assert response.status_code == 200
    assert [c.customer for c in response.context["candidates"]] == [customer]
    assert reverse("request_create", args=[customer.pk]) in response.content.decode()


def test_closure_list_is_closed_to_account_managers(people, client):
    client.force_login(people.am)
    assert client.get(reverse("revisit_closures")).status_code == 403


def test_another_branchs_records_are_a_404_on_every_page(people, other_branch, client):
    theirs = important(other_branch)
    departed(other_branch, theirs, on=D(2026, 11, 23))
    revisits_plan(
        branch=other_branch.branch,
        business_date=D(2026, 11, 25),
        calendar=TradingCalendar(),
    )
    task = RevisitTask.objects.filter(customer=theirs).first()
    event = RevisitEvent.objects.create(
        branch=other_branch.branch,
        title="北京活动",
        starts_at=beijing(2026, 12, 20, 14),
        place="北京",
        created_by=other_branch.md,
    )
    ClosureCandidate.objects.create(
        branch=other_branch.branch, customer=theirs, business_date=D(2026, 11, 25)
    )
    client.force_login(people.md)

    for url, method, data in [
        (reverse("revisit_detail", args=[task.pk]), "get", {}),
        (reverse("revisit_detail", args=[task.pk]), "post", {"done_on": "2026-11-25"}),
        (reverse("revisit_reassign", args=[task.pk]), "post", {"owner": people.am.pk}),
        (reverse("revisit_event_detail", args=[event.pk]), "get", {}),
        (reverse("revisit_event_invite", args=[event.pk]), "post", {"customers": [theirs.pk]}),
        (reverse("revisit_event_attendance", args=[event.pk]), "post", {}),
    ]:
        assert getattr(client, method)(url, data).status_code == 404, url

    for url in (
        reverse("revisit_list"),
        reverse("revisit_late"),
        reverse("revisit_event_list"),
    ):
        assert "北京" not in client.get(url).content.decode(), url
    client.force_login(people.lead)
    assert client.get(reverse("revisit_closures")).context["candidates"] == []
    assert RevisitTask.objects.get(pk=task.pk).status == TaskStatus.OPEN


def test_archivist_does_not_see_revisits(people, client):
    client.force_login(StaffFactory(branch=people.branch, roles=[Role.ARCHIVIST]))
    assert client.get(reverse("revisit_list")).status_code == 403
