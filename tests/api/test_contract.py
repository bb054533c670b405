"""The OpenAPI contract: valid, exact enough to attack, served with its docs from local
files."""

import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.builders import assert_error_shape, token_client


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


@pytest.mark.django_db
def test_the_schema_documents_errors_enums_and_idempotency():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    components = schema["components"]["schemas"]
    assert set(components["Error"]["required"]) == {"code", "message", "details"}
    assert "completed" in components["TransferStateEnum"]["enum"]
    assert components["TierEnum"]["enum"] == ["ordinary", "important", "core"]
    complete = schema["paths"]["/api/v1/requests/{id}/complete/"]["post"]
    assert {"400", "401", "403", "404", "409", "422"} <= set(complete["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in complete["parameters"])
    assert complete["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    password = components["PasswordRequest"]["properties"]["password"]
    assert password["writeOnly"] is True


@pytest.mark.django_db
def test_the_docs_page_loads_everything_from_this_server(people):
    page = APIClient().get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger" in html.lower()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    for source in sources:
        assert not source.startswith(("http://", "https://", "//")), source
        assert "cdn" not in source.lower()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    for attributes, body in scripts:
        assert "https://" not in attributes and "cdn" not in attributes.lower()
        # The Content-Security-Policy allows no inline script: each one is a file of ours.
        assert "src=" in attributes and not body.strip(), attributes
    init = re.search(r'src="([^"]*\?script=[^"]*)"', html)
    assert init is not None, html
    assert APIClient().get(init.group(1).replace("&amp;", "&")).status_code == 200


def test_an_unparseable_body_is_a_400_in_the_error_shape(people):
    api = token_client(people)
    r = api.post("/api/v1/requests/", "{not json", content_type="application/json")
    assert_error_shape(r, 400, "parse_error")
    r = api.post("/api/v1/requests/", {"customer": "abc", "wants_closure": "maybe"}, format="json")
    body = assert_error_shape(r, 400, "invalid")
    assert {"customer", "wants_closure"} <= set(body["details"])


def test_a_domain_refusal_is_a_400_with_the_services_message(people):
    customer = people.customer()
    customer.sz_account = ""
    customer.save()
    api = token_client(people)
    r = api.post(
        "/api/v1/requests/", {"customer": customer.pk, "wants_sz_transfer": True}, format="json"
    )
    body = assert_error_shape(r, 400, "invalid")
    assert "Shenzhen" in body["message"]
