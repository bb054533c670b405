"""The request page answers in at most 15 SQL queries, for whoever opens it: the counter lead
who works the request, and the approver whose step is open while it awaits approval.
tests/test_query_counts.py holds the count fixed as the branch grows; this holds it small,
so the page a clerk opens with a customer at the counter stays quick.

Four states show more than the request and are held to what they need today (what is left
is in docs/PERFORMANCE.md): the reason form and the retention panel (its attempts, the
customer's promises, the work memo), the approval forms with the branch's approvers, and a
closure's conditions from the core system."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import (
    confirm_and_complete,
    make_branch,
    ready_to_close,
    set_core_state,
    to_approved,
    to_state,
)
from transfers import services
from transfers.models import TransferRequest, TransferState

S = TransferState
MOST = 15
MORE = {S.DOCUMENTS_VERIFIED: 19, S.RETENTION: 21, S.AWAITING_APPROVAL: 23, S.CLOSURE_PENDING: 16}


def _closure_pending(people) -> TransferRequest:
    customer = ready_to_close(people)
    set_core_state(customer, interest_settled=False, cash_balance=Decimal("0"))
    req = to_approved(people, customer, wants_closure=True)
    services.transfer_start_processing(request=req, actor=people.clerk)
    return confirm_and_complete(people, req)


def _built(people, state: str) -> TransferRequest:
    if state == S.CLOSURE_PENDING:
        return _closure_pending(people)
    return to_state(people, state)


def _queries(client: Client, url: str) -> tuple[int, str]:
    client.get(url)  # warm: the session and the per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    sql = "\n".join(f"{i}. {q['sql']}" for i, q in enumerate(ctx.captured_queries, start=1))
    return len(ctx.captured_queries), sql


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(S))
def test_the_request_page_runs_at_most_15_queries_but_where_a_state_shows_more(state):
    people = make_branch()
    req = _built(people, state)
    assert TransferRequest.objects.get(pk=req.pk).state == state
    viewers = [people.lead]
    if state == S.AWAITING_APPROVAL:
        viewers.append(people.am)  # the customer's account manager, whose step is open
    for viewer in viewers:
        client = Client()
        client.force_login(viewer)
        count, sql = _queries(client, reverse("request_detail", args=[req.pk]))
        most = MORE.get(state, MOST)
        assert count <= most, f"{state} as {viewer.username}: {count} queries\n{sql}"
