"""A system token drives a request from reception to completion through the API, under
its scopes and as its acting person; the approvals are people's, recorded by phone."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.accounts.factories import TRADING_PASSWORD
from tests.builders import assert_error_shape, session_client, token_client
from transfers.models import Approval, ApprovalMode, TransferRequest, TransferState


def post(client: APIClient, url: str, body: dict | None = None, **headers):
    return client.post(url, body or {}, format="json", headers=headers)


def test_a_system_token_runs_a_request_from_creation_to_completion(people):
    customer = people.customer("important")
    api = token_client(people)

    created = post(
        api,
        "/api/v1/requests/",
        {
            "customer": customer.pk,
            "wants_sz_transfer": True,
            "sz_receiving_broker": "某某证券",
            "sz_receiving_seat": "123456",
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    url = f"/api/v1/requests/{pk}"
    assert created.json()["state"] == "received"

    required = created.json()["documents_required"]
    r = post(api, f"{url}/documents/", {"checked": required})
    assert r.json()["state"] == "documents_verified", r.content
    r = post(api, f"{url}/reason/", {"primary_reason": "moved_away", "note": "搬家"})
    assert r.json()["state"] == "retention", r.content
    r = post(api, f"{url}/go-on/", {"comment": "still goes"})
    assert r.json()["state"] == "awaiting_approval", r.content
    assert [s["step"] for s in r.json()["approval_progress"]] == [
        "counter_lead",
        "account_manager",
        "marketing_director",
    ]

    for approver in (people.lead, people.am, people.md):
        r = post(api, f"{url}/phone-approval/", {"approver": approver.pk, "note": "by phone"})
        assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "approved"
    assert body["blocking_conditions"] == []
    assert all(s["mode"] == "phone" for s in body["approval_progress"])
    assert (
        Approval.objects.filter(
            request_id=pk, mode=ApprovalMode.PHONE, recorded_by=people.clerk
        ).count()
        == 3
    )

    r = post(api, f"{url}/start-processing/")
    assert r.json()["state"] == "processing", r.content
    r = post(api, f"{url}/password/", {"password": TRADING_PASSWORD})
    assert r.status_code == 200 and r.json()["password_confirmed"] is True
    assert TRADING_PASSWORD not in r.content.decode()
    r = post(api, f"{url}/complete/", {"retained": ["form_original", "identity_copy"]})
    assert r.status_code == 200, r.content
    done = r.json()
    assert done["state"] == "completed"
    assert done["receipt_number"]
    assert TransferRequest.objects.get(pk=pk).state == TransferState.COMPLETED


def test_a_token_acts_only_as_its_person_and_an_approver_token_approves_in_person(people):
    from tests.builders import to_awaiting_approval

    req = to_awaiting_approval(people, people.customer("ordinary"))
    url = f"/api/v1/requests/{req.pk}"
    # The clerk received it: the clerk's token cannot approve it (nobody approves their own).
    clerk_api = token_client(people)
    assert_error_shape(post(clerk_api, f"{url}/approve/"), 403, "self_approval")
    # The auditor's token cannot take the counter's steps: the services check the person.
    auditor_api = token_client(people, acting_as=people.auditor)
    assert_error_shape(post(auditor_api, f"{url}/stays/"), 403, "forbidden")
    lead_api = token_client(people, acting_as=people.lead)
    r = post(lead_api, f"{url}/approve/", {"note": "ok"})
    assert r.status_code == 200, r.content
    step = r.json()["approval_progress"][0]
    assert (step["step"], step["mode"], step["approver"]) == (
        "counter_lead",
        "in_person",
        people.lead.pk,
    )
    assert "approve" not in r.json()["available_actions"]
    # Art. 9, 10, 17: each step is approved once; a second approval conflicts with the first.
    assert_error_shape(
        post(lead_api, f"{url}/approve/", {"note": "again"}), 409, "already_approved"
    )


def test_a_missing_scope_is_a_403_in_the_error_shape(people):
    customer = people.customer()
    reader = token_client(people, scopes=["transfers:read", "customers:read"])
    body = assert_error_shape(
        post(reader, "/api/v1/requests/", {"customer": customer.pk, "wants_closure": True}),
        403,
        "scope_missing",
    )
    assert "transfers:write" in body["message"]
    assert reader.get("/api/v1/requests/").status_code == 200
    no_approvals = token_client(people, scopes=["transfers:read", "transfers:write"])
    from tests.builders import to_awaiting_approval

    req = to_awaiting_approval(people, customer)
    assert_error_shape(
        post(
            no_approvals, f"/api/v1/requests/{req.pk}/phone-approval/", {"approver": people.lead.pk}
        ),
        403,
        "scope_missing",
    )
    assert_error_shape(no_approvals.get("/api/v1/customers/"), 403, "scope_missing")


def test_another_branchs_objects_are_404(people, other_branch):
    from tests.builders import to_awaiting_approval

    theirs = other_branch.customer()
    their_request = to_awaiting_approval(other_branch, theirs)
    api = token_client(people)
    assert_error_shape(api.get(f"/api/v1/customers/{theirs.pk}/"), 404, "not_found")
    assert_error_shape(api.get(f"/api/v1/requests/{their_request.pk}/"), 404, "not_found")
    assert_error_shape(post(api, f"/api/v1/requests/{their_request.pk}/stays/"), 404, "not_found")
    assert api.get("/api/v1/requests/").json()["count"] == 0
    # Creating on their customer is refused as unknown, not done.
    body = assert_error_shape(
        post(api, "/api/v1/requests/", {"customer": theirs.pk, "wants_closure": True}), 400
    )
    assert "customer" in body["details"]
    their_request.refresh_from_db()
    assert their_request.state == TransferState.AWAITING_APPROVAL
    gm = session_client(people.gm)
    assert_error_shape(gm.get(f"/api/v1/requests/{their_request.pk}/"), 404, "not_found")


def test_unauthenticated_and_bad_tokens_are_401(people):
    anonymous = APIClient()
    assert_error_shape(anonymous.get("/api/v1/requests/"), 401, "not_authenticated")
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nope")
    assert_error_shape(bad.get("/api/v1/requests/"), 401, "authentication_failed")


def test_customers_are_masked_and_searchable_by_full_number(people):
    customer = people.customer()
    api = token_client(people)
    found = api.get("/api/v1/customers/", {"q": customer.id_number}).json()
    assert [c["id"] for c in found["results"]] == [customer.pk]
    text = api.get(f"/api/v1/customers/{customer.pk}/").content.decode()
    assert customer.id_number not in text
    if customer.phone:
        assert customer.phone not in text


def test_filters_and_page_size_are_bounded(people):
    api = token_client(people)
    r = api.get("/api/v1/requests/", {"state": "nonsense"})
    body = assert_error_shape(r, 400, "invalid")
    assert "state" in body["details"]
    r = api.get("/api/v1/customers/", {"page_size": 1000})
    assert r.status_code == 200
    assert_error_shape(api.get("/api/v1/requests/99999999999999999999/"), 404, "not_found")
    assert_error_shape(api.get("/api/v1/customers/", {"page": 99}), 404, "not_found")


def test_issue_system_token_prints_the_key_once_and_stores_its_digest(people):
    import io

    from django.core.management import call_command

    from api.authentication import digest
    from api.models import SystemToken

    out = io.StringIO()
    call_command(
        "issue_system_token",
        "--branch",
        people.branch.code,
        "--acting-as",
        people.clerk.username,
        "--scopes",
        "transfers:read",
        "--name",
        "core system",
        stdout=out,
    )
    key = out.getvalue().strip().splitlines()[-1]
    token = SystemToken.objects.get()
    assert token.key_digest == digest(key) and key not in str(token.__dict__)
    assert token.scopes == ["transfers:read"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/requests/").status_code == 200
    assert_error_shape(client.get("/api/v1/customers/"), 403, "scope_missing")


def test_a_tokens_last_use_is_kept_to_the_minute_without_a_write_per_call(people, frozen_now):
    from api.models import SystemToken

    api = token_client(people)
    api.get("/api/v1/customers/")
    first = SystemToken.objects.get().last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as calls:
        api.get("/api/v1/customers/")
    assert not any("UPDATE" in q["sql"] for q in calls.captured_queries)
    assert SystemToken.objects.get().last_used_at == first

    frozen_now.shift(dt.timedelta(seconds=61))
    api.get("/api/v1/customers/")
    assert SystemToken.objects.get().last_used_at > first
