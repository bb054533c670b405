"""A list endpoint costs the same queries however many rows its page holds, and asks the core
system once per page, never once per row (Art. 19's closure conditions come from it; with a
live core system a call per row is a remote call per row)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Staff
from accounts.roles import Role
from archives.models import ArchiveRecord
from core_system import adapters
from core_system.models import CoreAccountState
from retention.models import Commitment
from revisits.models import RevisitTask
from tests.accounts.factories import StaffFactory
from tests.builders import token_client
from transfers import services
from transfers.models import Substitution, TransferRequest

ALL_THREE = {
    "wants_sz_transfer": True,
    "sz_receiving_broker": "某证券",
    "sz_receiving_seat": "077011",
    "wants_sh_revocation": True,
    "wants_closure": True,
}


def _closure_requests(people, n):
    for _i in range(n):
        customer = people.customer()
        # Interest unsettled: each row has a condition to show (Art. 19).
        CoreAccountState.objects.filter(customer=customer).update(interest_settled=False)
        services.transfer_request_create(customer=customer, actor=people.clerk, **ALL_THREE)


def _listed(client):
    with CaptureQueriesContext(connection) as queries:
        r = client.get("/api/v1/requests/")
    assert r.status_code == 200, r.content
    return r.json(), len(queries)


def test_the_request_list_costs_the_same_queries_at_three_times_the_rows(people):
    client = token_client(people)
    _closure_requests(people, 2)
    _listed(client)  # the first call of a process fills its caches (content types, the norm)
    few, few_queries = _listed(client)
    _closure_requests(people, 4)
    many, many_queries = _listed(client)

    assert len(few["results"]) == 2 and len(many["results"]) == 6
    assert many_queries == few_queries
    # What each row says is still the request's own answer, as its page shows it.
    for row in many["results"]:
        req = TransferRequest.objects.get(pk=row["id"])
        own = [c.code for c in services.closure_conditions_missing(req)]
        assert "interest" in own
        assert [c["code"] for c in row["closure_conditions_missing"]] == own


def test_the_request_list_asks_the_core_system_once_per_page(people, monkeypatch):
    client = token_client(people)
    _closure_requests(people, 3)
    calls = []
    batch = adapters.DailyExportCoreSystem.closure_conditions_missing_many

    def counted(self, asks):
        calls.append(len(asks))
        return batch(self, asks)

    def one_by_one(self, customer, **kw):
        raise AssertionError("a list asks for its whole page at once")

    monkeypatch.setattr(adapters.DailyExportCoreSystem, "closure_conditions_missing_many", counted)
    monkeypatch.setattr(adapters.DailyExportCoreSystem, "closure_conditions_missing", one_by_one)

    body, _queries = _listed(client)

    assert len(body["results"]) == 3
    assert calls == [3]


# --- Every list endpoint: a fixed number of queries whatever its page holds ---------------

DAY = dt.date(2026, 11, 24)


def _more_customers(people, n):
    for _i in range(n):
        people.customer()


def _more_commitments(people, n):
    for i in range(n):
        Commitment.objects.create(
            branch=people.branch,
            customer=people.customer(),
            what=f"佣金调整 {i}",
            owner=people.am,
            created_by=people.am,
            due_on=DAY + dt.timedelta(days=i),
        )


def _more_revisits(people, n):
    for i in range(n):
        RevisitTask.objects.create(
            branch=people.branch,
            customer=people.customer(),
            reason="follow_up",
            owner=people.md,
            due_on=DAY + dt.timedelta(days=i),
        )


def _more_records(people, n):
    archivist = Staff.objects.get(branch=people.branch, username="api-archivist")
    for i in range(n):
        ArchiveRecord.objects.create(
            branch=people.branch,
            category="individual",
            medium="paper",
            title=f"客户档案 {i}",
            customer=people.customer(),
            created_by=archivist,
        )


def _more_substitutions(people, n):
    for i in range(n):
        Substitution.objects.create(
            branch=people.branch,
            absent=people.md,
            substitute=people.gm,
            steps=["marketing_director"],
            starts_on=DAY + dt.timedelta(days=10 * i),
            ends_on=DAY + dt.timedelta(days=10 * i + 2),
            named_by=people.gm,
        )


# endpoint: (who asks, how its rows are added)
LISTS = {
    "/api/v1/customers/": ("clerk", _more_customers),
    "/api/v1/requests/": ("clerk", _closure_requests),
    "/api/v1/commitments/": ("md", _more_commitments),
    "/api/v1/revisit-tasks/": ("md", _more_revisits),
    "/api/v1/archive-records/": ("archivist", _more_records),
    "/api/v1/substitutes/": ("gm", _more_substitutions),
}


@pytest.mark.parametrize("endpoint", list(LISTS))
def test_a_list_endpoint_costs_the_same_queries_at_three_times_the_rows(people, endpoint):
    who, more = LISTS[endpoint]
    StaffFactory(branch=people.branch, username="api-archivist", roles=[Role.ARCHIVIST])
    actor = (
        Staff.objects.get(branch=people.branch, username="api-archivist")
        if (who == "archivist")
        else getattr(people, who)
    )
    client = token_client(people, acting_as=actor)

    def listed():
        with CaptureQueriesContext(connection) as queries:
            r = client.get(endpoint)
        assert r.status_code == 200, r.content
        return len(r.json()["results"]), len(queries)

    more(people, 2)
    listed()  # the first call of a process fills its caches (content types, the norm)
    few_rows, few = listed()
    more(people, 4)
    many_rows, many = listed()
    assert many_rows >= few_rows + 4
    assert many == few, f"{endpoint}: {few} queries with {few_rows} rows, {many} with {many_rows}"
