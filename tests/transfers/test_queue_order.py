"""The approvals queue in the order approvers work it: customers at the counter first (the
request came in today), then the longest waiting; each row shows the customer's tier, what
they ask for, the primary reason and the retention attempts, at a fixed number of queries."""

import datetime as dt

from django.urls import reverse

from tests.builders import (
    TEST_NOW,
    at,
    in_retention,
    tick,
    to_awaiting_approval,
)
from transfers import selectors, services
from transfers.selectors_queue import approvals_queue

TODAY = TEST_NOW.date()  # Wednesday 2026-11-25
MONDAY = dt.date(2026, 11, 23)
TUESDAY = dt.date(2026, 11, 24)


def test_customers_at_the_counter_come_first_then_the_longest_waiting(people, frozen_now):
    at(frozen_now, MONDAY, 10)
    resumed_today = to_awaiting_approval(people, people.customer())
    services.transfer_defer(
        request=resumed_today, actor=people.clerk, follow_up_on=dt.date(2026, 11, 30)
    )
    monday = to_awaiting_approval(people, people.customer())
    at(frozen_now, TUESDAY, 14)
    tuesday = to_awaiting_approval(people, people.customer())
    at(frozen_now, TODAY, 9)
    nine = to_awaiting_approval(people, people.customer())
    at(frozen_now, TODAY, 10)
    services.transfer_resume(request=resumed_today, actor=people.clerk)
    ten = to_awaiting_approval(people, people.customer())

    queue = list(approvals_queue(people.lead))

    # Today's two first (a customer is standing there), the earlier of them first; then the
    # rest by how long they have waited: Monday's, Tuesday's, and the one that came back to
    # its approvers only this morning, although it was received on Monday.
    assert queue == [nine, ten, monday, tuesday, resumed_today]
    assert [r.at_counter for r in queue] == [True, True, False, False, False]
    assert set(queue) == set(selectors.requests_awaiting(people.lead))


def test_the_queue_row_shows_tier_items_reason_and_attempts(client, people):
    important = people.customer("important")
    req = in_retention(people, important, reason_code="moved_away")
    tick(people, req, "show_online", answer="再想想")
    tick(people, req, "show_online", answer="还是要走")
    services.transfer_go_on(request=req, actor=people.clerk)
    plain = to_awaiting_approval(people, people.customer(), wants_sh_revocation=True)

    client.force_login(people.lead)
    page = client.get(reverse("approvals_queue")).content.decode()

    row = page.split(f'id="queue-row-{req.pk}"')[1].split("</tr>")[0]
    assert str(important.approval_tier.label) in row
    assert str(req.primary_reason) in row
    assert '<td class="small queue-attempts">2</td>' in row
    assert "at-counter" in row
    other = page.split(f'id="queue-row-{plain.pk}"')[1].split("</tr>")[0]
    assert '<td class="small queue-attempts">0</td>' in other
    assert str(plain.items_display[0]) in other


def test_a_page_of_the_queue_costs_the_same_queries_however_many_rows(
    client, people, django_assert_max_num_queries, django_assert_num_queries
):
    def some(n):
        for _ in range(n):
            req = in_retention(people, people.customer())
            tick(people, req, "show_online")
            services.transfer_go_on(request=req, actor=people.clerk)

    client.force_login(people.lead)
    some(2)
    client.get(reverse("approvals_queue"))  # warm: the session and per-process caches
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("approvals_queue"))
    some(12)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(reverse("approvals_queue"))
    assert page.content.decode().count('class="small queue-attempts">1<') == 14


def test_the_home_page_shows_the_first_of_the_queue_in_the_queues_order(client, people, frozen_now):
    at(frozen_now, MONDAY, 10)
    monday = to_awaiting_approval(people, people.customer())
    at(frozen_now, TODAY, 9)
    today = to_awaiting_approval(people, people.customer())

    client.force_login(people.lead)
    card = client.get(reverse("home")).content.decode().split('id="dash-awaiting"')[1]

    # The customer standing at the counter today comes before Monday's, which waited longer.
    assert card.index(f"#{today.pk}<") < card.index(f"#{monday.pk}<")
    assert "at-counter" in card.split(f"#{monday.pk}<")[0]
    assert "at-counter" not in card.split(f"#{monday.pk}<")[1].split("</tr>")[0]
