"""Branch isolation: every retention page answers only for the user's own branch; another
branch's object is a 404, and lists never show another branch's rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from retention.models import RetentionContactTask, WorkMemo
from retention.services import (
    at_risk_scan,
    commission_agree,
    commitment_create,
    complaint_record,
    departure_reassign,
)
from tests.accounts.factories import StaffFactory
from tests.builders import built_once, defers, in_retention, make_branch


def _theirs_of(other_branch):
    """One of everything, in the other branch."""
    o = other_branch
    customer = o.customer()
    req = in_retention(o, customer)
    commitment = commitment_create(customer=customer, actor=o.clerk, what="他行的承诺")
    agreement = commission_agree(customer=customer, actor=o.clerk, rate=Decimal("0.0002"))
    complaint = complaint_record(customer=customer, actor=o.clerk, summary="他行的投诉")
    departed = StaffFactory(branch=o.branch, roles=[Role.ACCOUNT_MANAGER])
    o.customer(account_manager=departed)
    departure = departure_reassign(departed=departed, actor=o.md, to_person=o.am)
    defers(o, req, dt.date(2026, 12, 9))
    at_risk_scan(branch=o.branch, business_date=dt.date(2026, 11, 25))
    return {
        "request": req.pk,
        "customer": customer.pk,
        "commitment": commitment.pk,
        "agreement": agreement.pk,
        "complaint": complaint.pk,
        "departure": departure.pk,
        "task": RetentionContactTask.objects.filter(departure=departure).first().pk,
        "memo": WorkMemo.objects.get(request=req).pk,
    }


URLS = [
    ("get", "retention_request", "request"),
    ("post", "retention_attempt_record", "request"),
    ("get", "retention_customer", "customer"),
    ("get", "retention_commitment_create", "customer"),
    ("post", "retention_commitment_create", "customer"),
    ("get", "retention_commission_agree", "customer"),
    ("get", "retention_complaint_create", "customer"),
    ("get", "retention_commitment_keep", "commitment"),
    ("post", "retention_commitment_keep", "commitment"),
    ("get", "retention_commitment_cancel", "commitment"),
    ("post", "retention_commission_decide", "agreement"),
    ("get", "retention_complaint_resolve", "complaint"),
    ("get", "retention_departure", "departure"),
    ("get", "retention_task_done", "task"),
    ("post", "retention_task_done", "task"),
    ("get", "retention_memo", "memo"),
    ("post", "retention_memo", "memo"),
    ("get", "retention_memo_pdf", "memo"),
]


class TestAnotherBranchsObjects:
    """The user meets the other branch's objects. One world for the class: the user's branch
    (people), the other (other_branch) and one of everything in it (theirs), built once in a
    transaction rolled back after the class; each test runs in a savepoint of it, rolled
    back after it."""

    @pytest.fixture(scope="class")
    @classmethod
    def _world_once(cls, django_db_setup, django_db_blocker):
        def build():
            people, other_branch = make_branch(), make_branch("BJ02")
            return {
                "people": people,
                "other_branch": other_branch,
                "theirs": _theirs_of(other_branch),
            }

        yield from built_once(django_db_blocker, build)

    @pytest.fixture
    def people(self, _world_once, db):
        return _world_once["people"]

    @pytest.fixture
    def other_branch(self, _world_once, db):
        return _world_once["other_branch"]

    @pytest.fixture
    def theirs(self, _world_once, db):
        return _world_once["theirs"]

    @pytest.mark.parametrize(("method", "name", "kind"), URLS)
    def test_another_branchs_object_is_not_found(
        self, people, theirs, en_client, method, name, kind
    ):
        en_client.force_login(people.md)
        url = reverse(name, args=[theirs[kind]])
        response = getattr(en_client, method)(
            url,
            {"playbook": 1, "evidence": "x", "decision": "approve"} if method == "post" else None,
        )
        assert response.status_code == 404

    def test_lists_show_only_the_users_branch(self, people, theirs, en_client):
        en_client.force_login(people.md)
        for name in (
            "retention_home",
            "retention_commitments",
            "retention_commission",
            "retention_memos",
            "retention_at_risk",
            "retention_departures",
            "retention_tasks",
            "retention_analysis",
        ):
            response = en_client.get(reverse(name))
            assert response.status_code == 200, name
            body = response.content.decode()
            assert "他行的承诺" not in body and "BJ02" not in body, name
            assert f"/retention/memos/{theirs['memo']}/" not in body, name
            assert f"/retention/customers/{theirs['customer']}/" not in body, name

    def test_the_exports_are_the_users_branch(self, people, theirs, en_client):
        en_client.force_login(people.md)
        csv = en_client.get(reverse("retention_analysis_csv")).content.decode("utf-8-sig")
        assert people.branch.name in csv and "BJ02" not in csv


def test_the_archivist_has_no_retention_pages(people, en_client):
    archivist = StaffFactory(branch=people.branch, roles=[Role.ARCHIVIST])
    en_client.force_login(archivist)
    assert en_client.get(reverse("retention_home")).status_code == 403
    assert en_client.get(reverse("retention_analysis")).status_code == 403


def test_pages_need_a_login(client):
    response = client.get(reverse("retention_analysis"))
    assert response.status_code == 302 and "/login/" in response["Location"]
