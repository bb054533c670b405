"""The customer master's import over the API: a file in, a preview id out, apply by id —
idempotent, bound to the file previewed, in the OpenAPI contract."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Customer
from core_system.models import CustomerImport, ImportState
from core_system.staging import customer_import_upload
from tests.builders import assert_error_shape, make_branch, token_client
from tests.core_system.test_customer_master import export, line

pytestmark = pytest.mark.django_db

URL = "/api/v1/customer-imports/"


@pytest.fixture
def people():
    people = make_branch("SZ001")
    people.am.staff_number = "A001"
    people.am.save(update_fields=["staff_number"])
    return people


def send(api, data: bytes, **extra):
    return api.post(
        URL,
        {"file": SimpleUploadedFile("m.csv", data), "full": "false", **extra},
        format="multipart",
    )


def test_upload_get_apply_round_trip(people):
    api = token_client(people, acting_as=people.gm, scopes=["customers:import"])
    created = send(api, export(line(1), line(2)))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["state"] == "previewed" and body["applicable"] is True
    assert body["counts"]["new"] == 2
    got = api.get(f"{URL}{body['id']}/").json()
    assert got["report"]["new"][0]["fund_account"] == "6600000001"
    applied = api.post(f"{URL}{body['id']}/apply/", HTTP_IDEMPOTENCY_KEY="k1")
    assert applied.status_code == 200, applied.json()
    assert applied.json()["state"] == "applied"
    assert Customer.objects.filter(branch=people.branch, fund_account="6600000002").exists()


def test_apply_is_idempotent(people):
    api = token_client(people, acting_as=people.gm, scopes=["customers:import"])
    pk = send(api, export(line(1))).json()["id"]
    first = api.post(f"{URL}{pk}/apply/", HTTP_IDEMPOTENCY_KEY="k1")
    again = api.post(f"{URL}{pk}/apply/", HTTP_IDEMPOTENCY_KEY="k1")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    # Without the key, or with another, a second apply changes nothing either.
    other = api.post(f"{URL}{pk}/apply/", HTTP_IDEMPOTENCY_KEY="k2")
    assert other.status_code == 200 and other.json()["state"] == "applied"
    assert Customer.objects.filter(fund_account="6600000001").count() == 1


def test_a_preview_with_bad_lines_cannot_be_applied(people):
    api = token_client(people, acting_as=people.gm, scopes=["customers:import"])
    body = send(api, export(line(1, fund_account=""))).json()
    assert body["applicable"] is False and body["refusal"]
    r = api.post(f"{URL}{body['id']}/apply/")
    assert_error_shape(r, 409, "customer_master_not_applicable")
    assert CustomerImport.objects.get(pk=body["id"]).state == ImportState.PREVIEWED


def test_a_different_file_cannot_be_applied(people, settings):
    """The kept file is checked against the preview's digest when it is read back."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from accounts.pii import pii_encrypt_bytes

    api = token_client(people, acting_as=people.gm, scopes=["customers:import"])
    pk = send(api, export(line(1))).json()["id"]
    record = CustomerImport.objects.get(pk=pk)
    default_storage.delete(record.staged_name)
    default_storage.save(record.staged_name, ContentFile(pii_encrypt_bytes(export(line(9)))))
    r = api.post(f"{URL}{pk}/apply/")
    assert_error_shape(r, 400, "customer_master_other_file")
    assert not Customer.objects.filter(fund_account="6600000009").exists()


def test_only_the_general_manager_with_the_scope_imports(people):
    clerk = token_client(people, scopes=["customers:import"])
    assert send(clerk, export(line(1))).status_code == 403
    no_scope = token_client(people, acting_as=people.gm, scopes=["customers:read"])
    assert_error_shape(send(no_scope, export(line(1))), 403, "scope_missing")
    auditor = token_client(people, acting_as=people.auditor, scopes=["customers:import"])
    assert_error_shape(send(auditor, export(line(1))), 403, "customer_master_forbidden")
    assert not CustomerImport.objects.exists()


def test_another_branchs_import_is_a_404(people):
    other = make_branch("SZ002")
    record = customer_import_upload(
        branch=other.branch, actor=other.gm, data=export(line(1), branch="SZ002")
    )
    api = token_client(people, acting_as=people.gm, scopes=["customers:import"])
    assert api.get(f"{URL}{record.pk}/").status_code == 404
    assert api.post(f"{URL}{record.pk}/apply/").status_code == 404


def test_no_file_is_a_400(people):
    api = token_client(people, acting_as=people.gm, scopes=["customers:import"])
    assert_error_shape(api.post(URL, {"full": "true"}, format="multipart"), 400, "invalid")


def test_the_schema_lists_the_endpoints():
    paths = APIClient().get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    assert "post" in paths["/api/v1/customer-imports/"]
    upload = paths["/api/v1/customer-imports/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    assert "get" in paths["/api/v1/customer-imports/{id}/"]
    apply = paths["/api/v1/customer-imports/{id}/apply/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in apply["parameters"])
