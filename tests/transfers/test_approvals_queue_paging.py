"""The approvals queue (issue 7): routed in SQL, so a page costs the same however long the queue
is, and paged like the request list. Whatever SQL selects must be exactly what the one Python
rule, permissions.may_approve, accepts: the rule the request page asks."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Customer, CustomerKind, Staff
from accounts.roles import Role
from tests.accounts.factories import CustomerFactory
from tests.builders import BranchPeople, make_branch, person
from transfers.models import Approval, ApprovalStep, TransferRequest, TransferState
from transfers.permissions import may_approve
from transfers.selectors import requests_awaiting

S = TransferState
A = ApprovalStep
AT = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)

# Every way a customer comes to its tier (Art. 10, 17), on both sides of the branch's
# thresholds (important from 500,000 assets or 10,000,000 volume, core from 5,000,000 or
# 100,000,000), set by hand, and institutions, which are approved as core whatever else.
TIER_SOURCES = [
    {"assets": Decimal("100000")},
    {"assets": Decimal("499999.99"), "annual_volume": Decimal("9999999.99")},
    {"assets": Decimal("500000")},
    {"annual_volume": Decimal("10000000")},
    {"assets": Decimal("4999999.99"), "annual_volume": Decimal("99999999.99")},
    {"assets": Decimal("5000000")},
    {"annual_volume": Decimal("100000000")},
    {"assets": Decimal("9000000"), "tier_override": "ordinary"},
    {"assets": Decimal("100000"), "tier_override": "important"},
    {"assets": Decimal("100000"), "tier_override": "core"},
    {"kind": CustomerKind.INSTITUTION},
    {"kind": CustomerKind.INSTITUTION, "tier_override": "ordinary"},
]


def _customers(people: BranchPeople, managers: list[Staff | None]) -> list[Customer]:
    """One customer of each tier source; the managers take turns, so each of them (and
    "none") has customers of every tier."""
    customers = []
    for source, manager in zip(TIER_SOURCES, itertools.cycle(managers), strict=False):
        fields = dict(source)
        if fields.get("tier_override"):
            fields["tier_override_reason"] = "客户经理申请"
        customers.append(CustomerFactory(branch=people.branch, account_manager=manager, **fields))
    return customers


def _awaiting(
    people: BranchPeople, customer: Customer, *, created_by: Staff, round: int = 1, **fields
) -> TransferRequest:
    return TransferRequest.objects.create(
        branch=people.branch,
        customer=customer,
        created_by=created_by,
        wants_sz_transfer=True,
        state=fields.pop("state", S.AWAITING_APPROVAL),
        approval_round=round,
        **fields,
    )


def _approve(req: TransferRequest, steps: dict[ApprovalStep, Staff], *, round: int) -> None:
    Approval.objects.bulk_create(
        Approval(request=req, round=round, step=step, approver=who, approved_at=AT, recorded_by=who)
        for step, who in steps.items()
    )


def _python_rule(actor: Staff) -> list[int]:
    everything = (
        TransferRequest.objects.select_related("customer", "customer__branch")
        .prefetch_related("approvals")
        .order_by("created_at", "pk")
    )
    return [req.pk for req in everything if may_approve(actor, req)]


@pytest.fixture
def every_combination(people: BranchPeople) -> dict[str, Staff]:
    """Requests of every tier source, with the customer's own account manager, another one
    or none, in every set of steps already done, in the first round and in a second one
    (after a send-back) whose first-round approvals no longer count; some received by an
    approver, some not awaiting approval at all, and the same in another branch."""
    am2 = person(people, Role.ACCOUNT_MANAGER)
    lead_and_md = person(people, Role.COUNTER_LEAD, Role.MARKETING_DIRECTOR)
    everyone = person(
        people,
        Role.COUNTER_LEAD,
        Role.ACCOUNT_MANAGER,
        Role.MARKETING_DIRECTOR,
        Role.GENERAL_MANAGER,
    )
    subsets = [
        set(steps) for n in range(len(A) + 1) for steps in itertools.combinations(list(A), n)
    ]
    for c, customer in enumerate(_customers(people, [people.am, am2, None])):
        manager = customer.account_manager or people.am
        # The director's and the lead's steps are signed by the person holding both roles in
        # half of the requests, so that "already approved by me" is met in each round.
        lead, md = (lead_and_md, people.md) if c % 2 else (people.lead, lead_and_md)
        signers = {A.COUNTER_LEAD: lead, A.ACCOUNT_MANAGER: manager, A.MARKETING_DIRECTOR: md}
        signers[A.GENERAL_MANAGER] = people.gm
        for s, done in enumerate(subsets):
            received_by = people.lead if (c + s) % 7 == 0 else people.clerk
            first = _awaiting(people, customer, created_by=received_by)
            _approve(first, {step: signers[step] for step in done}, round=1)
            second = _awaiting(people, customer, created_by=people.clerk, round=2)
            _approve(second, {A.COUNTER_LEAD: everyone, A.ACCOUNT_MANAGER: manager}, round=1)
            _approve(second, {step: signers[step] for step in done}, round=2)
        for state in (S.RETENTION, S.APPROVED):
            _awaiting(people, customer, created_by=people.clerk, state=state)
    theirs = make_branch("BJ02")
    their_customer = CustomerFactory(branch=theirs.branch, account_manager=theirs.am)
    _awaiting(theirs, their_customer, created_by=theirs.clerk)
    return {
        "counter lead": people.lead,
        "account manager": people.am,
        "another account manager": am2,
        "marketing director": people.md,
        "general manager": people.gm,
        "lead and director": lead_and_md,
        "every approver role": everyone,
        "counter clerk": people.clerk,
        "another branch's lead": theirs.lead,
    }


def test_the_queue_selects_exactly_what_the_rule_of_one_request_accepts(every_combination):
    for who, actor in every_combination.items():
        expected = _python_rule(actor)
        assert [req.pk for req in requests_awaiting(actor)] == expected, who
        if who not in ("counter clerk", "another branch's lead"):
            assert expected, f"nothing waits for the {who}: the comparison proves nothing"


def test_the_director_and_the_general_manager_see_only_the_tiers_that_need_them(
    every_combination,
):
    tiers = {
        who: {req.customer.approval_tier for req in requests_awaiting(every_combination[who])}
        for who in ("counter lead", "marketing director", "general manager")
    }
    assert tiers == {
        "counter lead": {"ordinary", "important", "core"},
        "marketing director": {"important", "core"},
        "general manager": {"core"},
    }


# --- Paging -------------------------------------------------------------------------------


def _queue_of(people: BranchPeople, count: int) -> list[TransferRequest]:
    customer = people.customer()
    return [_awaiting(people, customer, created_by=people.clerk) for _n in range(count)]


def test_the_queue_shows_fifty_requests_a_page_longest_waiting_first(client, people):
    queue = _queue_of(people, 120)
    client.force_login(people.lead)
    first = client.get(reverse("approvals_queue")).content.decode()
    assert "120 requests: customers at the counter first, then the longest waiting" in first
    assert f"#{queue[0].pk}<" in first and f"#{queue[49].pk}<" in first
    assert f"#{queue[50].pk}<" not in first
    assert "Page 1 of 3" in first and 'href="?page=2"' in first
    last = client.get(reverse("approvals_queue"), {"page": 3}).content.decode()
    assert f"#{queue[100].pk}<" in last and f"#{queue[119].pk}<" in last
    assert f"#{queue[99].pk}<" not in last
    assert "Page 3 of 3" in last and 'href="?page=2"' in last and "?page=4" not in last


@pytest.mark.parametrize(("asked", "shown"), [("abc", "Page 1 of 2"), ("99", "Page 2 of 2")])
def test_a_page_number_out_of_range_shows_the_nearest_page(client, people, asked, shown):
    _queue_of(people, 60)
    client.force_login(people.lead)
    page = client.get(reverse("approvals_queue"), {"page": asked})
    assert page.status_code == 200
    assert shown in page.content.decode()


def test_a_short_queue_has_no_page_links(client, people):
    _queue_of(people, 3)
    client.force_login(people.lead)
    page = client.get(reverse("approvals_queue")).content.decode()
    assert "3 requests: customers at the counter first" in page
    assert "Page 1" not in page


def test_a_page_of_the_queue_costs_the_same_queries_at_forty_times_the_requests(
    client, people, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(people.lead)
    _queue_of(people, 3)
    client.get(reverse("approvals_queue"))  # warm: the session and per-process caches
    # 21: the substitutions in force for the viewer and what was approved in their name
    # (transfers/models/substitutes.py) cost one query each, whatever the queue's length.
    with django_assert_max_num_queries(21) as small:
        client.get(reverse("approvals_queue"))
    _queue_of(people, 117)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(reverse("approvals_queue"))
    assert "120 requests: customers at the counter first" in page.content.decode()


def test_the_home_page_shows_the_oldest_ten_and_links_to_the_whole_queue(client, people):
    queue = _queue_of(people, 25)
    client.force_login(people.lead)
    home = client.get(reverse("home")).content.decode()
    card = home.split('id="dash-awaiting"')[1].split('<div class="card"')[0]
    assert f"#{queue[0].pk}<" in card and f"#{queue[9].pk}<" in card
    assert f"#{queue[10].pk}<" not in card
    assert "All 25 waiting for you" in card and reverse("approvals_queue") in card


def test_the_request_list_turns_pages_keeping_its_filter(client, people):
    for _n in range(55):
        _awaiting(people, people.customer(), created_by=people.clerk)
    client.force_login(people.lead)
    page = client.get(reverse("request_list"), {"state": "open"}).content.decode()
    assert 'href="?state=open&amp;q=&amp;page=2"' in page
