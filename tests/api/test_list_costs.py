"""A list endpoint costs the same queries however many rows its page holds, and asks the core
system once per page, never once per row (Art. 19's closure conditions come from it; with a
live core system a call per row is a remote call per row)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core_system import adapters
from core_system.models import CoreAccountState
from tests.builders import token_client
from transfers import services
from transfers.models import TransferRequest

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
