"""The archives' page parameters (kernel/params.py): a filing day that is no day in the span
is not found, a malformed ?date= is refused with its reason, and numbers that str.isdigit()
accepts but no record carries find nothing instead of crashing the search."""

import pytest
from django.urls import reverse

from tests.builders import filed_record, page
from tests.postgres_text import nul_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "1989-12-31", "x"])
def test_a_filing_day_that_is_no_day_in_the_span_is_not_found(client, arch, day):
    client.force_login(arch.archivist)
    response = client.get(reverse("archives:filing_day", args=[day]))
    assert response.status_code == 404


def test_the_first_and_last_filing_days_of_the_span_open(client, arch):
    client.force_login(arch.archivist)
    for day in ("1990-01-01", "2200-12-31"):
        assert client.get(reverse("archives:filing_day", args=[day])).status_code == 200


@pytest.mark.parametrize("day", ["a/b", "0000-00-00", "9999-12-31"])
def test_the_filing_index_refuses_a_date_it_cannot_show(client, arch, day):
    client.force_login(arch.archivist)
    response = client.get(reverse("archives:filing_index"), {"date": day})
    assert response.status_code == 400
    assert "is not a date" in page(response) or "outside the dates" in page(response)


def test_the_filing_index_sends_a_good_date_to_its_day(client, arch):
    client.force_login(arch.archivist)
    response = client.get(reverse("archives:filing_index"), {"date": "2026-11-24"})
    assert response.status_code == 302
    assert response["Location"] == reverse("archives:filing_day", args=["2026-11-24"])


@pytest.mark.parametrize("query", ["²", "99999999999999999999999", "١٢٣"])
def test_a_search_for_a_number_no_record_carries_finds_nothing(client, arch, query):
    filed_record(arch)
    client.force_login(arch.archivist)
    response = client.get(reverse("archives:record_list"), {"q": query})
    assert response.status_code == 200
    assert list(response.context["records"]) == []


def test_a_nul_in_the_archive_search_is_a_form_error_not_a_query(client, arch):
    client.force_login(arch.archivist)
    with nul_queries() as carrying_nul:
        response = client.get(reverse("archives:record_list"), {"q": "个人\x00档案"})
    assert response.status_code == 200 and not carrying_nul
    assert response.context["form"].errors["q"]


@pytest.mark.parametrize("number", ["²", "99999999999999999999999", "-3"])
def test_looking_up_scans_by_a_number_no_request_carries_asks_for_the_number(client, arch, number):
    client.force_login(arch.clerk)
    response = client.get(reverse("archives:request_scans_lookup"), {"number": number})
    assert response.status_code == 302 and response["Location"] == reverse("archives:index")
    assert "Give the request number." in page(client.get(response["Location"]))
