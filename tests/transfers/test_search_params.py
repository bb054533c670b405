"""The counter's search boxes take whatever is pasted into them: a NUL character (which
PostgreSQL refuses in a query) is dropped, the rest still finds the customer, and nothing
that reaches the database carries one."""

import pytest
from django.urls import reverse

from tests.builders import new_request
from tests.postgres_text import nul_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(client, people):
    client.force_login(people.clerk)
    return client


def test_a_nul_in_the_customer_search_is_dropped_and_the_customer_found(counter, people):
    customer = people.customer("ordinary")
    account = customer.fund_account
    with nul_queries() as carrying_nul:
        response = counter.get(reverse("customer_search"), {"q": f"{account[:4]}\x00{account[4:]}"})
    assert response.status_code == 200
    assert not carrying_nul
    assert response.context["results"] == [customer]


def test_a_lone_nul_in_the_customer_search_is_no_search_at_all(counter, people):
    with nul_queries() as carrying_nul:
        response = counter.get(reverse("customer_search"), {"q": "\x00"})
    assert response.status_code == 200 and not carrying_nul
    assert response.context["q"] == "" and response.context["results"] == []


def test_a_nul_in_the_request_search_is_dropped_and_the_request_found(counter, people):
    customer = people.customer("ordinary")
    new_request(people, customer)
    other = people.customer("ordinary")
    new_request(people, other)
    with nul_queries() as carrying_nul:
        response = counter.get(reverse("request_list"), {"q": f"\x00{customer.fund_account}"})
    assert response.status_code == 200
    assert not carrying_nul
    assert [r.customer for r in response.context["page"]] == [customer]


def test_a_very_long_search_is_cut_not_refused(counter, people):
    response = counter.get(reverse("request_list"), {"q": "张" * 5000, "state": "\x00" * 10})
    assert response.status_code == 200
    assert len(response.context["q"]) == 100 and response.context["state"] == ""
