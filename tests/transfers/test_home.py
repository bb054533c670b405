"""What the pages show of who is next: the navigation's count of requests waiting for me, whom
a request waits for and since when, what the counter tried (on the approver's panel), and
the marketing director's and general manager's home (Art. 16, 17, 18, 29)."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import (
    beijing,
    important,
    in_retention,
    make_commitment,
    page,
    set_core_state,
    tick,
    to_awaiting_approval,
)
from transfers import services
from transfers.models import Appointment, ApprovalMode, TransferState

S = TransferState
D = dt.date
NEXT_DAY = D(2026, 11, 26)  # the trading day after the frozen Wednesday


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def home_of(client, user) -> str:
    client.force_login(user)
    return page(client.get(reverse("home")))


def card(html: str, card_id: str) -> str:
    return html.split(f'id="{card_id}"')[1].split('<div class="card"')[0]


# --- The navigation's count ---------------------------------------------------------------


def test_the_navigation_counts_the_requests_waiting_for_me(client, people):
    to_awaiting_approval(people, people.customer())
    to_awaiting_approval(people, people.customer())
    waiting_for_director = to_awaiting_approval(people, important(people))
    for approver in (people.lead, people.am):
        services.transfer_approve(request=waiting_for_director, actor=approver)

    assert 'id="nav-approvals-waiting">2<' in home_of(client, people.lead)
    assert 'id="nav-approvals-waiting">1<' in home_of(client, people.md)
    assert "nav-approvals-waiting" not in home_of(client, people.gm)  # none waits for them
    assert "nav-approvals-waiting" not in home_of(client, people.clerk)


def test_the_count_costs_one_query_on_a_page(client, people):
    to_awaiting_approval(people, people.customer())
    client.force_login(people.lead)
    url = reverse("request_list")
    client.get(url)

    with CaptureQueriesContext(connection) as shown:
        client.get(url)

    counts = [q["sql"] for q in shown.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len([sql for sql in counts if "awaiting_approval" in sql]) == 1


# --- Whom a request waits for, and since when ---------------------------------------------


def test_the_request_page_and_the_queue_say_whom_it_waits_for_since_when(
    client, people, frozen_now
):
    frozen_now.move_to(beijing(2026, 11, 25, 10, 0))
    req = to_awaiting_approval(people, important(people))
    client.force_login(people.clerk)
    detail = page(client.get(reverse("request_detail", args=[req.pk])))
    assert "Waiting for Counter lead、Account manager since 10:00" in detail

    frozen_now.move_to(beijing(2026, 11, 25, 10, 30))
    services.transfer_approve(request=req, actor=people.lead)
    frozen_now.move_to(beijing(2026, 11, 25, 10, 42))
    services.transfer_approve(request=req, actor=people.am)

    client.force_login(people.clerk)  # 42 minutes later: the idle session has ended
    detail = page(client.get(reverse("request_detail", args=[req.pk])))
    assert "Waiting for Marketing director since 10:42" in detail
    assert "Counter lead、Account manager since" not in detail

    client.force_login(people.md)
    queue = page(client.get(reverse("approvals_queue")))
    assert "Waiting for Marketing director since 10:42" in card(queue, "queue")


def test_a_wait_from_an_earlier_day_shows_the_day(client, people, frozen_now):
    frozen_now.move_to(beijing(2026, 11, 24, 14, 5))
    req = to_awaiting_approval(people, people.customer())
    frozen_now.move_to(beijing(2026, 11, 25, 9, 30))
    client.force_login(people.lead)
    detail = page(client.get(reverse("request_detail", args=[req.pk])))
    assert "since 11-24 14:05" in detail


def test_a_request_no_longer_awaiting_approval_waits_for_nobody(client, people):
    req = to_awaiting_approval(people, people.customer())
    for approver in (people.lead, people.am):
        services.transfer_approve(request=req, actor=approver)
    client.force_login(people.clerk)
    assert "Waiting for" not in page(client.get(reverse("request_detail", args=[req.pk])))


# --- What the counter tried, where the approver approves ---------------------------------


def test_the_approver_sees_the_reason_the_attempts_and_the_notes_where_they_approve(client, people):
    req = in_retention(people, reason_code="moved_away", note="搬到郊区，离营业部太远")
    tick(people, req, "show_online", answer="还是想转走")
    services.transfer_go_on(request=req, actor=people.clerk, comment="客户坚持办理")

    client.force_login(people.lead)
    approval = card(page(client.get(reverse("request_detail", args=[req.pk]))), "panel-approval")
    assert "What the counter tried with the customer" in approval
    assert "搬到郊区，离营业部太远" in approval
    assert "还是想转走" in approval  # the customer's answer to the retention attempt
    assert "客户坚持办理" in approval  # the clerk's note as the customer went on
    assert 'id="approve"' in approval

    client.force_login(people.clerk)
    assert 'id="approval-brief"' not in page(client.get(reverse("request_detail", args=[req.pk])))


# --- The director's and general manager's home --------------------------------------------


def appointment(people, *, host, booked_on, customer=None):
    return Appointment.objects.create(
        branch=people.branch,
        customer=customer or people.customer("core"),
        host=host,
        booked_on=booked_on,
        booked_by=host,
    )


def test_the_director_sees_the_appointments_they_host_today_and_the_next_trading_day(
    client, people
):
    today = appointment(people, host=people.md, booked_on=D(2026, 11, 24))
    next_day = appointment(people, host=people.md, booked_on=D(2026, 11, 25))
    stale = appointment(people, host=people.md, booked_on=D(2026, 11, 20))
    theirs = appointment(people, host=people.gm, booked_on=D(2026, 11, 24))

    panel = card(home_of(client, people.md), "dash-appointments")
    todays, tomorrows = panel.split("Next trading day (2026-11-26)")
    assert today.customer.fund_account in todays
    assert reverse("customer_detail", args=[today.customer_id]) in todays
    assert next_day.customer.fund_account in tomorrows
    assert stale.customer.fund_account not in panel
    assert theirs.customer.fund_account not in panel
    assert theirs.customer.fund_account in card(home_of(client, people.gm), "dash-appointments")


def test_an_appointment_already_used_by_a_request_is_off_the_list(client, people):
    customer = people.customer("core")
    used = appointment(people, host=people.md, booked_on=D(2026, 11, 24), customer=customer)
    req = to_awaiting_approval(people, customer)
    assert req.appointment_id == used.pk
    assert customer.fund_account not in card(home_of(client, people.md), "dash-appointments")


def test_the_director_sees_blocked_and_late_requests_with_links(client, people, frozen_now):
    blocked_customer = people.customer()
    blocked = to_awaiting_approval(people, blocked_customer)
    set_core_state(blocked_customer, open_bond_repo=True)
    for approver in (people.lead, people.am):
        services.transfer_approve(request=blocked, actor=approver)
    on_time = to_awaiting_approval(people, people.customer())

    panel = card(home_of(client, people.md), "dash-late")
    assert f'href="{reverse("request_detail", args=[blocked.pk])}"' in panel
    assert f"#{on_time.pk}<" not in panel

    frozen_now.move_to(beijing(2026, 12, 1, 10, 0))  # past on_time's two trading days
    panel = card(home_of(client, people.md), "dash-late")
    assert f"#{on_time.pk}<" in panel and "LATE" in panel


def test_written_sign_offs_due_today_or_overdue_are_on_the_directors_home(
    client, people, frozen_now
):
    req = to_awaiting_approval(people, people.customer())
    approval = services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.am
    )
    assert approval.mode == ApprovalMode.PHONE and approval.sign_off_due_on == NEXT_DAY
    assert f"#{req.pk}<" not in card(home_of(client, people.md), "dash-overdue")  # not yet due

    frozen_now.move_to(beijing(2026, 11, 26, 10, 0))
    due = card(home_of(client, people.md), "dash-overdue")
    assert f"#{req.pk}<" in due and "2026-11-26" in due


def test_commitments_due_by_the_next_trading_day_are_on_the_directors_home(client, people):
    customer = people.customer()
    overdue = make_commitment(people, customer, D(2026, 11, 20))
    overdue.what = "回访客户"
    overdue.save(update_fields=["what"])
    due_next_day = make_commitment(people, people.customer(), NEXT_DAY)
    later = make_commitment(people, people.customer(), D(2026, 12, 10))

    panel = card(home_of(client, people.md), "dash-commitments")
    assert "回访客户" in panel
    assert reverse("retention_customer", args=[overdue.customer_id]) in panel
    assert reverse("retention_customer", args=[due_next_day.customer_id]) in panel
    assert reverse("retention_customer", args=[later.customer_id]) not in panel
    assert 'id="dash-commitments"' in home_of(client, people.gm)


@pytest.mark.parametrize("who", ["clerk", "lead", "am"])
def test_the_directors_panels_are_not_on_anyone_elses_home(client, people, who):
    appointment(people, host=people.md, booked_on=D(2026, 11, 24))
    make_commitment(people, people.customer(), D(2026, 11, 20), owner=getattr(people, who))

    home = home_of(client, getattr(people, who))

    for panel in ("dash-appointments", "dash-late", "dash-overdue", "dash-commitments"):
        assert f'id="{panel}"' not in home
