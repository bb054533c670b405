"""A caller over its rate gets a 429 in the error shape with Retry-After: per system token
or person, per address for callers not signed in, and per address whoever calls."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from tests.builders import assert_error_shape, session_client, token_client


def rates(**given):
    every = {"principal": None, "anon": None, "address": None, **given}
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": every}
    )


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def assert_throttled(response):
    body = assert_error_shape(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1
    return body


def test_a_token_over_its_rate_is_429_and_another_token_is_not(people):
    first, second = token_client(people), token_client(people)
    with rates(principal="3/min"):
        for _ in range(3):
            assert first.get("/api/v1/customers/").status_code == 200
        assert_throttled(first.get("/api/v1/customers/"))
        # A refused call is a call too: POSTs count against the same rate.
        assert_throttled(first.post("/api/v1/requests/", {}, format="json"))
        assert second.get("/api/v1/customers/").status_code == 200


def test_a_token_and_its_persons_session_are_counted_apart(people):
    token, browser = token_client(people), session_client(people.clerk)
    with rates(principal="2/min"):
        for _ in range(2):
            assert token.get("/api/v1/customers/").status_code == 200
        assert_throttled(token.get("/api/v1/customers/"))
        assert browser.get("/api/v1/customers/").status_code == 200


def test_the_wait_is_whole_seconds_and_ends(people, frozen_now):
    api = token_client(people)
    with rates(principal="1/min"):
        assert api.get("/api/v1/customers/").status_code == 200
        r = api.get("/api/v1/customers/")
        assert_throttled(r)
        assert 1 <= int(r["Retry-After"]) <= 60
        frozen_now.shift(61)
        assert api.get("/api/v1/customers/").status_code == 200


def test_callers_not_signed_in_are_counted_by_address(db):
    here, there = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
    with rates(anon="2/min"):
        for _ in range(2):
            assert here.get("/api/v1/schema/", {"format": "json"}).status_code == 200
        assert_throttled(here.get("/api/v1/schema/", {"format": "json"}))
        assert there.get("/api/v1/schema/", {"format": "json"}).status_code == 200


def test_many_tokens_behind_one_address_share_its_ceiling(people):
    with rates(address="3/min", principal="100/min"):
        for _ in range(3):
            assert token_client(people).get("/api/v1/customers/").status_code == 200
        assert_throttled(token_client(people).get("/api/v1/customers/"))
        elsewhere = token_client(people)
        elsewhere.defaults["REMOTE_ADDR"] = "10.9.9.9"
        assert elsewhere.get("/api/v1/customers/").status_code == 200


def test_the_address_is_the_one_kernel_function_not_a_forwarded_header(people):
    with rates(address="2/min", principal="100/min"):
        for n in range(2):
            forged = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
            assert token_client(people).get("/api/v1/customers/", **forged).status_code == 200
        forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.77"}
        assert_throttled(token_client(people).get("/api/v1/customers/", **forged))


def test_the_rates_are_settings_and_the_test_settings_turn_them_off(people):
    assert set(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) == {
        "principal",
        "anon",
        "address",
    }
    api = token_client(people)
    for _ in range(50):
        assert api.get("/api/v1/customers/").status_code == 200


@pytest.mark.django_db
def test_the_contract_documents_429_with_retry_after_on_every_operation():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    operations = [
        op for item in schema["paths"].values() for op in item.values() if "responses" in op
    ]
    assert operations
    for operation in operations:
        throttled = operation["responses"]["429"]
        assert "Retry-After" in throttled["headers"], operation["operationId"]
        assert throttled["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_an_empty_rate_turns_its_throttle_off(people):
    api = token_client(people)
    with rates(principal="", address=""):
        for _ in range(5):
            assert api.get("/api/v1/customers/").status_code == 200
