"""The benchmark's lifecycle client (devtools/bench/api_lifecycle.py) against a live
server: a renamed action, a changed body or a new step in the API fails here, in the normal
suite, rather than as a bench full of failed lifecycles."""

from accounts.services import roles_sync
from api.models import SystemToken
from devtools.bench.api_lifecycle import Case, Http, drive, issue_keys, unused_cases
from tests.accounts.factories import TRADING_PASSWORD
from tests.builders import make_branch, new_request
from transfers.models import ApprovalMode, ApprovalStep, TransferRequest, TransferState


def test_the_bench_client_takes_a_request_from_creation_to_completion_over_http(
    live_server, seeded_calendar
):
    roles_sync()  # the live server's flush emptied the roles that migrations made
    people = make_branch()
    customer = people.customer("ordinary")
    keys = issue_keys(
        clerk=people.clerk,
        approvers={ApprovalStep.COUNTER_LEAD: people.lead},
        managers=[people.am],
    )
    api = Http(live_server.url)
    try:
        done = drive(api, keys, Case(customer.pk, people.am.pk), password=TRADING_PASSWORD)
    finally:
        api.close()

    req = TransferRequest.objects.get(customer=customer)
    assert (done["id"], done["state"], done["receipt_number"]) == (
        req.pk,
        TransferState.COMPLETED,
        req.receipt_number,
    )
    assert req.state == TransferState.COMPLETED and req.blocking_checked_at is not None
    assert {(a.step, a.approver_id, a.mode) for a in req.approvals.all()} == {
        (ApprovalStep.COUNTER_LEAD, people.lead.pk, ApprovalMode.IN_PERSON),
        (ApprovalStep.ACCOUNT_MANAGER, people.am.pk, ApprovalMode.IN_PERSON),
    }
    # create, documents, reason, go on, two approvals, processing, password, complete
    assert len(api.latencies) == 9
    assert SystemToken.objects.get(acting_as=people.clerk).scopes == [
        "transfers:read",
        "transfers:write",
    ]
    assert SystemToken.objects.get(acting_as=people.lead).scopes == [
        "approvals:write",
        "transfers:read",
    ]


def test_a_customer_with_a_request_is_not_taken_again(db):
    people = make_branch()
    used, fresh = people.customer(), people.customer()
    new_request(people, used)
    assert unused_cases() == [Case(fresh.pk, people.am.pk)]
