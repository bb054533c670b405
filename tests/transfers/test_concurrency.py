"""Races that only a real database with row locks can show: receipt numbers stay gap-free
and unique under concurrent completions, and two directors approving the same request at
the same moment produce one approval and one clear refusal."""

import datetime as dt

import pytest

from accounts.roles import Role
from kernel.errors import ApplicationError
from tests.accounts.factories import TRADING_PASSWORD
from tests.builders import make_branch, person, to_awaiting_approval, to_completed, to_processing
from tests.concurrency import all_at_once
from transfers import services
from transfers.models import Approval, ApprovalStep, TransferRequest, TransferState
from transfers.services.processing import required_retained

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(seeded_calendar):
    # seeded_calendar also puts back the churn reasons a transactional flush empties.
    return make_branch()


def completion(req, actor):
    retained = [str(k) for k in required_retained(req)]
    return lambda: services.transfer_complete(request=req, actor=actor, retained=retained)


@pytest.mark.parametrize("already_issued", [0, 1])
def test_concurrent_completions_get_gap_free_unique_receipt_numbers(people, already_issued):
    for _n in range(already_issued):
        to_completed(people, people.customer("ordinary"))
    clerks = [people.clerk, people.lead, person(people, Role.COUNTER_CLERK)]
    requests = []
    for _n in range(8):
        req = to_processing(people, people.customer("ordinary"))
        services.transfer_confirm_password(
            request=req, actor=people.clerk, password=TRADING_PASSWORD
        )
        requests.append(req)

    outcomes = all_at_once(
        [completion(req, clerks[i % len(clerks)]) for i, req in enumerate(requests)]
    )

    assert [error for _result, error in outcomes] == [None] * 8
    numbers = sorted(
        TransferRequest.objects.filter(pk__in=[r.pk for r in requests]).values_list(
            "receipt_number", flat=True
        )
    )
    first = already_issued + 1
    assert numbers == [f"SH01-2026-{n:06d}" for n in range(first, first + 8)]
    states = set(TransferRequest.objects.values_list("state", flat=True))
    assert states == {TransferState.COMPLETED}


@pytest.mark.parametrize(
    ("tier", "state_after"),
    [
        ("important", TransferState.APPROVED),  # the director's is the last approval
        ("core", TransferState.AWAITING_APPROVAL),  # the general manager still follows
    ],
)
def test_two_directors_approving_at_once_give_one_approval_and_one_clear_refusal(
    people, tier, state_after
):
    customer = people.customer(tier)
    if tier == "core":
        people.book_appointment(customer, booked_on=dt.date(2026, 11, 24))
    req = to_awaiting_approval(people, customer)
    services.transfer_approve(request=req, actor=people.lead)
    services.transfer_approve(request=req, actor=people.am)
    directors = [people.md, person(people, Role.MARKETING_DIRECTOR)]

    outcomes = all_at_once(
        [lambda md=md: services.transfer_approve(request=req, actor=md) for md in directors]
    )

    winners = [result for result, error in outcomes if error is None]
    losers = [error for _result, error in outcomes if error is not None]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], ApplicationError)
    assert losers[0].code in {"already_approved", "conflict"}
    assert losers[0].message
    step_rows = Approval.objects.filter(request=req, step=ApprovalStep.MARKETING_DIRECTOR)
    assert list(step_rows.values_list("approver_id", flat=True)) == [winners[0].approver_id]
    assert TransferRequest.objects.get(pk=req.pk).state == state_after
    audit = req.audit_entries.filter(action="approve_marketing_director")
    assert audit.count() == 1
