"""Idempotency-Key: a repeat returns the first response and never acts twice; the same key
with another body is a 422."""

from tests.builders import (
    WRONG_PASSWORD,
    assert_error_shape,
    session_client,
    to_state,
    token_client,
)
from transfers.models import TransferAuditEntry, TransferRequest, TransferState


def test_a_repeated_key_returns_the_first_response_and_creates_once(people):
    customer = people.customer()
    api = token_client(people)
    body = {"customer": customer.pk, "wants_sh_revocation": True}
    first = api.post("/api/v1/requests/", body, format="json", headers={"Idempotency-Key": "k1"})
    again = api.post("/api/v1/requests/", body, format="json", headers={"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert TransferRequest.objects.filter(customer=customer).count() == 1


def test_a_repeated_action_is_taken_once(people):
    req = to_state(people, TransferState.AWAITING_APPROVAL)
    api = token_client(people)
    url = f"/api/v1/requests/{req.pk}/send-back/"
    lead_api = token_client(people, acting_as=people.lead)
    for _ in range(2):
        r = lead_api.post(
            url, {"comment": "fix it"}, format="json", headers={"Idempotency-Key": "sb"}
        )
        assert r.status_code == 200, r.content
    assert TransferAuditEntry.objects.filter(request=req, action="send_back").count() == 1
    # The same key is another principal's own: the clerk's token is not the lead's.
    r = api.post(
        f"/api/v1/requests/{req.pk}/go-on/", {}, format="json", headers={"Idempotency-Key": "sb"}
    )
    assert r.status_code == 200 and r.json()["state"] == "awaiting_approval"


def test_a_reused_key_with_another_body_is_422(people):
    customer = people.customer()
    api = token_client(people)
    api.post(
        "/api/v1/requests/",
        {"customer": customer.pk, "wants_sh_revocation": True, "by_agent": False},
        format="json",
        headers={"Idempotency-Key": "same"},
    )
    r = api.post(
        "/api/v1/requests/",
        {"customer": customer.pk, "wants_sh_revocation": True},
        format="json",
        headers={"Idempotency-Key": "same"},
    )
    assert_error_shape(r, 422, "idempotency_key_reused")


def test_a_refusal_is_remembered_too_and_a_wrong_password_counts_once(people):
    req = to_state(people, TransferState.PROCESSING)
    api = session_client(people.clerk)
    url = f"/api/v1/requests/{req.pk}/password/"
    for _ in range(3):
        r = api.post(
            url, {"password": WRONG_PASSWORD}, format="json", headers={"Idempotency-Key": "pw"}
        )
        assert_error_shape(r, 400, "wrong_password")
        assert WRONG_PASSWORD not in r.content.decode()
    req.refresh_from_db()
    assert req.password_failures == 1
    # Without a key each try counts: the API is no way around the lock.
    for _ in range(4):
        api.post(url, {"password": WRONG_PASSWORD}, format="json")
    req.refresh_from_db()
    assert req.state == TransferState.PASSWORD_LOCKED


def test_an_overlong_key_is_a_400(people):
    api = token_client(people)
    r = api.post("/api/v1/requests/", {}, format="json", headers={"Idempotency-Key": "x" * 300})
    assert_error_shape(r, 400, "invalid")


def test_a_key_whose_first_use_failed_validation_stays_bound_to_that_body(people):
    customer = people.customer()
    api = token_client(people)
    invalid = {"customer": "not a number"}
    first = api.post("/api/v1/requests/", invalid, format="json", headers={"Idempotency-Key": "v"})
    assert_error_shape(first, 400, "invalid")
    again = api.post("/api/v1/requests/", invalid, format="json", headers={"Idempotency-Key": "v"})
    assert again.status_code == 400 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    valid = {"customer": customer.pk, "wants_sh_revocation": True}
    r = api.post("/api/v1/requests/", valid, format="json", headers={"Idempotency-Key": "v"})
    assert_error_shape(r, 422, "idempotency_key_reused")
    assert not TransferRequest.objects.filter(customer=customer).exists()


def test_a_key_whose_first_body_did_not_parse_stays_bound_to_those_bytes(people):
    customer = people.customer()
    api = token_client(people)
    broken = "{not json"
    headers = {"Idempotency-Key": "p"}
    first = api.post("/api/v1/requests/", broken, content_type="application/json", headers=headers)
    assert_error_shape(first, 400, "parse_error")
    again = api.post("/api/v1/requests/", broken, content_type="application/json", headers=headers)
    assert again.status_code == 400 and again["Idempotent-Replayed"] == "true"
    valid = {"customer": customer.pk, "wants_sh_revocation": True}
    r = api.post("/api/v1/requests/", valid, format="json", headers=headers)
    assert_error_shape(r, 422, "idempotency_key_reused")
    deep = "[" * 100 + "]" * 100
    r = api.post(
        "/api/v1/requests/", deep, content_type="application/json", headers={"Idempotency-Key": "d"}
    )
    assert_error_shape(r, 400, "body_too_deep")
    r = api.post("/api/v1/requests/", valid, format="json", headers={"Idempotency-Key": "d"})
    assert_error_shape(r, 422, "idempotency_key_reused")


def test_a_workflow_call_refused_by_its_fields_binds_the_key(people):
    req = to_state(people, TransferState.AWAITING_APPROVAL)
    lead_api = token_client(people, acting_as=people.lead)
    url = f"/api/v1/requests/{req.pk}/send-back/"
    headers = {"Idempotency-Key": "sb-bad"}
    r = lead_api.post(url, {"comment": ["not", "text"]}, format="json", headers=headers)
    assert_error_shape(r, 400, "invalid")
    r = lead_api.post(url, {"comment": "fix it"}, format="json", headers=headers)
    assert_error_shape(r, 422, "idempotency_key_reused")
    req.refresh_from_db()
    assert req.state == TransferState.AWAITING_APPROVAL
