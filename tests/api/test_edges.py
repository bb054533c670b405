"""The error contract holds at the edges: a body nested too deep or too large, an address
no endpoint has (a newline in it included), each answered in the API's error shape."""

import pytest
from django.test import override_settings

from api.parsers import MAX_DEPTH, json_depth_exceeds
from tests.builders import assert_error_shape, session_client, token_client


@pytest.fixture(params=["token", "session"])
def api(request, people):
    return token_client(people) if request.param == "token" else session_client(people.clerk)


def test_a_body_nested_two_thousand_levels_is_a_400_not_a_500(api):
    deep = "[" * 2000 + "]" * 2000
    r = api.post("/api/v1/requests/", deep, content_type="application/json")
    body = assert_error_shape(r, 400, "body_too_deep")
    assert str(MAX_DEPTH) in body["message"]


def test_a_body_just_within_the_depth_is_read(api):
    within = '{"customer": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    r = api.post("/api/v1/requests/", within, content_type="application/json")
    # Parsed, then refused by the serializer: the depth alone did not refuse it.
    body = assert_error_shape(r, 400, "invalid")
    assert "customer" in body["details"]


@pytest.mark.parametrize(
    ("text", "deeper"),
    [
        ("[" * 33 + "]" * 33, True),
        ("[" * 32 + "]" * 32, False),
        # Brackets inside strings, escaped quotes included, are text, not structure.
        ('{"a": "' + "[" * 100 + '\\"' + "{" * 100 + '"}', False),
        ("[]" * 10_000, False),
    ],
)
def test_depth_counts_structure_only(text, deeper):
    assert json_depth_exceeds(text, 32) is deeper


def test_a_body_over_the_upload_limit_is_a_413_in_the_error_shape(api):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        big = '{"customer": "' + "x" * 2000 + '"}'
        r = api.post("/api/v1/requests/", big, content_type="application/json")
    body = assert_error_shape(r, 413, "body_too_large")
    assert "1000" in body["message"]


def test_a_body_over_the_default_limit_is_a_413_too(people):
    big = '{"customer": "' + "x" * 2_700_000 + '"}'
    r = token_client(people).post("/api/v1/requests/", big, content_type="application/json")
    assert_error_shape(r, 413, "body_too_large")


def test_a_body_in_an_undeclared_encoding_is_a_400(api):
    r = api.post("/api/v1/requests/", b'{"customer": "\xff\xfe"}', content_type="application/json")
    assert_error_shape(r, 400, "parse_error")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here/",
        "/api/v1/foo%0Abar/",
        "/api/v1/%0A",
        "/api/v1/requests/1%0A/",
        "/api/v1/requests%0D%0A/",
        "/api/v1/%E2%80%A8/",
    ],
)
def test_every_address_under_the_api_answers_in_its_shape(people, path):
    assert_error_shape(token_client(people).get(path), 404, "not_found")
    r = token_client(people).post(path, {}, format="json")
    assert r.status_code in (404, 405), r.content
    assert_error_shape(r, r.status_code)
