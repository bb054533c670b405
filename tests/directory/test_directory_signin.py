"""Sign-in through the firm's directory, against a real OpenLDAP server
(tests/directory/slapd.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.models import Staff
from accounts.roles import Role
from jobs.models import DailyNotice, JobOutcome, JobTrigger
from jobs.registry import job_run
from kernel.calendar import beijing_today
from notifications.models import Notification
from revisits.models import Reason, RevisitTask
from tests.builders import make_branch

from .slapd import (
    AM_GROUP,
    MD_GROUP,
    PASSWORD,
    PEOPLE,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sz001(db):
    return make_branch("SZ001")


def sign_in(username: str, password: str = PASSWORD) -> Staff | None:
    return authenticate(
        RequestFactory().post("/accounts/login/"), username=username, password=password
    )


def test_a_director_by_directory_group_signs_in_with_that_role_and_branch(directory, sz001, client):
    response = client.post(reverse("login"), {"username": "wang", "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    wang = Staff.objects.get(username="wang")
    assert wang.branch == sz001.branch
    assert wang.role_names == {Role.MARKETING_DIRECTOR, Role.ACCOUNT_MANAGER}
    assert wang.directory_dn == f"uid=wang,{PEOPLE}"
    assert wang.display_name == "王营销总监"
    # The customer master names account managers by this number (core_system.customer_master).
    assert wang.staff_number == "E-wang"
    # The directory checks the password: none is kept here to outlive the directory account.
    assert not wang.has_usable_password()


def test_a_wrong_password_is_refused(directory, sz001):
    assert sign_in("wang", "not-the-password") is None
    assert not Staff.objects.filter(username="wang").exists()


def test_a_person_in_the_disabled_group_is_refused(directory, sz001):
    assert sign_in("zhou") is None
    assert not Staff.objects.filter(username="zhou").exists()


def test_a_person_in_no_mapped_group_is_refused(directory, sz001):
    assert sign_in("stray") is None
    assert not Staff.objects.filter(username="stray").exists()


def test_leaving_a_group_loses_its_role_at_the_next_sign_in(directory, sz001):
    import ldap

    assert sign_in("wang").role_names == {Role.MARKETING_DIRECTOR, Role.ACCOUNT_MANAGER}
    conn = directory.connection()
    member = f"uid=wang,{PEOPLE}".encode()
    conn.modify_s(MD_GROUP, [(ldap.MOD_DELETE, "member", [member])])
    try:
        again = sign_in("wang")
        assert again is not None
        assert Staff.objects.get(username="wang").role_names == {Role.ACCOUNT_MANAGER}
    finally:
        conn.modify_s(MD_GROUP, [(ldap.MOD_ADD, "member", [member])])


def test_local_accounts_still_sign_in_beside_the_directory(directory, sz001):
    sz001.gm.set_password("Local-pass-12")
    sz001.gm.save()
    assert sign_in(sz001.gm.username, "Local-pass-12") == sz001.gm


def test_directory_sync_deactivates_a_removed_person_and_tells_the_director(directory, sz001):
    import ldap

    li = sign_in("li")
    assert li is not None and li.role_names == {Role.ACCOUNT_MANAGER}
    wang = sign_in("wang")
    customer = sz001.customer(account_manager=li)
    RevisitTask.objects.create(
        branch=sz001.branch,
        customer=customer,
        reason=Reason.LEFT_FIRST,
        owner=li,
        due_on=beijing_today(),
    )
    conn = directory.connection()
    dn = f"uid=li,{PEOPLE}"
    conn.modify_s(AM_GROUP, [(ldap.MOD_DELETE, "member", [dn.encode()])])
    conn.delete_s(dn)

    run = job_run(
        name="accounts.directory_sync", business_date=beijing_today(), trigger=JobTrigger.COMMAND
    )

    assert run.outcome == JobOutcome.SUCCEEDED, run.message
    assert run.counts["deactivated"] == 1
    li.refresh_from_db()
    wang.refresh_from_db()
    assert not li.is_active
    assert wang.is_active
    told = Notification.objects.filter(recipient=sz001.md).get()
    assert "Open revisit tasks: 1" in told.body
    assert Notification.objects.filter(recipient=wang).exists()  # a director by the directory too
    # Again the same day: nobody told twice.
    job_run(
        name="accounts.directory_sync", business_date=beijing_today(), trigger=JobTrigger.COMMAND
    )
    assert DailyNotice.objects.filter(kind="directory_left").count() == 2
    assert sign_in("li") is None


def test_directory_sync_changes_nothing_when_the_directory_does_not_answer(directory, sz001):
    wang = sign_in("wang")
    with override_settings(AUTH_LDAP_SERVER_URI="ldap://127.0.0.1:1"):
        run = job_run(
            name="accounts.directory_sync",
            business_date=beijing_today(),
            trigger=JobTrigger.COMMAND,
        )
    assert run.outcome == JobOutcome.FAILED
    wang.refresh_from_db()
    assert wang.is_active


def test_a_group_mapped_to_a_role_that_does_not_exist_stops_the_start(settings):
    from accounts.checks import directory_role_groups_known

    settings.DIRECTORY_ROLE_GROUPS = {MD_GROUP: ["SZ001", "marketing_directer"]}
    errors = directory_role_groups_known()
    assert [e.id for e in errors] == ["accounts.E002"]
    assert "marketing_directer" in errors[0].msg
    settings.DIRECTORY_ROLE_GROUPS = {MD_GROUP: ["SZ001", "marketing_director"]}
    assert directory_role_groups_known() == []
