"""Branch isolation and least privilege (accounts/permissions.py), URL by URL: every URL the
project serves × every role × a record of the user's own branch and one of another branch
answers what tests/security/policy_matrix.py says. A URL that is not in the table fails
test_every_url_is_in_the_matrix, so a new page or API operation cannot slip in untested.

Each URL is fetched with GET (a POST-only action answers 405 and changes nothing); POST is
sent only against the other branch's record, where it must be refused before any work."""

import datetime as dt
import json
import os

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import HEAD_OFFICE_ROLES, Role
from headoffice.models import AlertSign, BranchAlert
from notifications.models import Notification
from tests.accounts.factories import StaffFactory
from tests.builders import built_once, make_branch, to_awaiting_approval, to_completed
from tests.security.policy_matrix import EXCLUDED, HEAD_OFFICE_PAGES, MATRIX, ROLES
from transfers import services
from transfers.models import Substitution

ABSENT_PK = 987654  # for record kinds without a builder yet: exists in no branch


def url_names() -> dict[str, str]:
    """name → route, for every URL pattern, through every include."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                walk(pattern, route, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(pattern, URLPattern):
                found[f"{namespace}{pattern.name or route}"] = route

    walk(get_resolver(), "", "")
    return found


def _excluded(name: str, route: str) -> bool:
    return any(route.startswith(prefix) or name.startswith(prefix) for prefix in EXCLUDED)


def test_every_url_is_in_the_matrix():
    names = {n for n, route in url_names().items() if not _excluded(n, route)}
    missing = sorted(names - set(MATRIX))
    assert not missing, f"add these URLs to tests/security/policy_matrix.py: {missing}"
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"these rows name URLs that no longer exist: {stale}"


# Kinds with no record in the URL: a list, a filing day, a catch-all, a figure's name.
NO_RECORD = (None, "day", "path", "figure")


def test_the_matrix_never_lets_another_branch_in():
    for name, row in MATRIX.items():
        if row.kind in NO_RECORD:
            continue  # no branch record in the URL: lists, checked for leaks elsewhere
        branch_roles = [i for i, role in enumerate(ROLES) if role not in HEAD_OFFICE_ROLES]
        codes = [row.other[i] for i in branch_roles] if name in HEAD_OFFICE_PAGES else row.other
        assert all(code in (302, 403, 404, 405) for code in codes), name


def _records(people) -> dict:
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    approval = services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.lead
    )
    return {
        "branch": people.branch,
        "customer": customer,
        "request": req,
        "completed": to_completed(people, people.customer("ordinary")),
        "approval": approval,
        "appointment": people.book_appointment(
            people.customer("core"), booked_on=dt.date(2026, 11, 20)
        ),
        "notification": Notification.objects.create(recipient=people.clerk, subject="x"),
        "substitution": Substitution.objects.create(
            branch=people.branch,
            absent=people.md,
            substitute=people.gm,
            steps=["marketing_director"],
            starts_on=dt.date(2026, 11, 25),
            ends_on=dt.date(2026, 11, 27),
            named_by=people.md,
        ),
        "alert": BranchAlert.objects.create(
            branch=people.branch,
            month=dt.date(2026, 11, 1),
            sign=AlertSign.LATE_REQUESTS,
            count=3,
            threshold=3,
            request_ids=[req.pk],
            raised_at=timezone.now(),
            updated_at=timezone.now(),
        ),
    }


def _url(name: str, kind: str | None, records: dict) -> str:
    if kind is None:
        return reverse(name)
    if kind == "day":
        return reverse(name, kwargs={"day": "2026-11-24"})
    if kind == "path":  # a catch-all route without a name: any path under it
        return "/" + name.split("^")[0] + "no-such-operation/"
    if kind == "figure":  # a firm figure of the head-office console
        return reverse(name, kwargs={"figure": "churn"})
    if kind == "branch_figure":  # a branch's figure: the branch is the record
        return reverse(name, kwargs={"pk": records["branch"].pk, "figure": "churn"})
    pk = records[kind].pk if kind in records else ABSENT_PK
    return reverse(name, kwargs={"pk": pk})


def _build_world() -> dict:
    own, other = make_branch("SH01"), make_branch("BJ02")
    # The head office belongs to no branch (accounts/roles.placement_refusal): for its
    # people "own" and "other" are both some branch's records, never theirs.
    staff = {
        role: StaffFactory(
            branch=None if role in HEAD_OFFICE_ROLES else own.branch,
            roles=[role],
            username=f"own-{role}",
        )
        for role in ROLES
    }
    return {
        "staff": staff,
        "sessions": {role: _signed_in(user) for role, user in staff.items()},
        "own": _records(own),
        "other": _records(other),
    }


def _signed_in(user) -> str:
    """A session of `user`, signed in once for the module: the key of its cookie. Each test
    sends it instead of signing in nine times (each sign-in also writes django-axes' log)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker):
    # Two branches with records, built once for the module's ~140 tests; each test runs in a
    # savepoint rolled back after it (a GET may write: a look at a customer is logged).
    yield from built_once(django_db_blocker, _build_world)


@pytest.fixture
def world(_world_once, db):
    return _world_once


def _observe(client, world, name: str, kind: str | None) -> dict[str, list[int]]:
    seen: dict[str, list[int]] = {"own": [], "other": []}
    for role in ROLES:
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
        for side in ("own", "other"):
            url = _url(name, kind, world[side])
            seen[side].append(client.get(url).status_code)
            if side == "other" and kind not in NO_RECORD:
                # An action on another branch's record is refused before anything happens.
                assert client.post(url, {}).status_code in (403, 404, 405), (name, role)
        del client.cookies[settings.SESSION_COOKIE_NAME]  # signed out for the next role
    return seen


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_role_gets_what_the_policy_says(client, world, name):
    row = MATRIX[name]
    seen = _observe(client, world, name, row.kind)
    if path := os.environ.get("POLICY_MATRIX_RECORD"):  # a tool to draft rows for new URLs
        with open(path, "a") as out:
            out.write(json.dumps({"name": name, "kind": row.kind, **seen}) + "\n")
    expected = {"own": list(row.own), "other": list(row.other)}
    assert seen == expected, f"{name}: roles in order {[str(r) for r in ROLES]}"


def test_anonymous_users_are_sent_to_sign_in(client, world):
    for name, row in MATRIX.items():
        if row.public or row.kind == "path":
            continue  # the sign-in pages and the API docs; the API's catch-all 404
        response = client.get(_url(name, row.kind, world["own"]))
        assert response.status_code in (302, 401, 403, 405), name
        if response.status_code == 302:
            assert reverse("login") in response["Location"], name


assert set(ROLES) == set(Role)


HEAD_OFFICE_COLUMNS = [i for i, role in enumerate(ROLES) if role in HEAD_OFFICE_ROLES]


def test_the_head_office_opens_no_branch_record():
    # The head office belongs to no branch: a branch record's page is a 404 or refused for
    # them, as another branch's is for a branch's staff (accounts/roles.placement_refusal).
    for name, row in MATRIX.items():
        if row.kind in NO_RECORD or name in HEAD_OFFICE_PAGES:
            continue
        for side in (row.own, row.other):
            assert all(side[i] in (302, 403, 404, 405) for i in HEAD_OFFICE_COLUMNS), name


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n, row in MATRIX.items()
        if row.kind in (None, "day")
        and n not in HEAD_OFFICE_PAGES
        and any(row.own[i] == 200 for i in HEAD_OFFICE_COLUMNS)
    ),
)
def test_a_branch_page_open_to_the_head_office_shows_them_no_branchs_records(client, world, name):
    row = MATRIX[name]
    shown_anywhere = [
        value
        for side in ("own", "other")
        for value in (
            world[side]["customer"].fund_account,
            world[side]["request"].customer.fund_account,
            world[side]["completed"].customer.fund_account,
        )
    ]
    url = _url(name, row.kind, world["own"])
    echoed = ""
    if name == "customer_search":  # a search that would find the customer at their branch
        url += "?q=" + world["own"]["customer"].fund_account
        echoed = f'value="{world["own"]["customer"].fund_account}"'  # the search box itself
    for i in HEAD_OFFICE_COLUMNS:
        if row.own[i] != 200:
            continue
        role = ROLES[i]
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
        response = client.get(url)
        assert response.status_code == 200, (name, role)
        body = response.content.decode().replace(url, "").replace(echoed or url, "")
        assert not [v for v in shown_anywhere if v in body], (name, role)
