"""Branch isolation in the admin: every list, every object page, every choice."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.admin_mixins import BranchScopedAdminMixin
from accounts.models import Staff
from accounts.roles import Role
from core_system.models import CoreAccountState
from notifications.models import Notification
from tests.accounts.factories import StaffFactory
from tests.builders import built_once, make_branch, to_awaiting_approval, to_completed
from transfers import services
from transfers.models import Appointment, Approval, TransferAuditEntry

PROJECT_APPS = {"accounts", "branch_ops", "transfers", "retention", "revisits", "archives"}
# What only the other branch's records contain.
MARKERS = ("BJ02", "北京", "7777")


def _build_branches():
    """Branch SH01 with a viewer who may view everything; branch BJ02 with a record of
    every kind, each carrying a marker no SH01 page could contain."""
    here = make_branch("SH01")
    there = make_branch("BJ02")
    for staff in Staff.objects.filter(branch=there.branch):
        staff.display_name = f"北京{staff.pk}"
        staff.save(update_fields=["display_name"])
    completed = to_completed(
        there, there.customer("ordinary", name="北京甲", fund_account="7777000001")
    )
    core = there.customer("core", name="北京乙", fund_account="7777000002")
    there.book_appointment(core, booked_on=dt.date(2026, 11, 24))
    waiting = to_awaiting_approval(there, core)
    services.transfer_record_phone_approval(request=waiting, actor=there.clerk, approver=there.lead)
    Notification.objects.create(recipient=there.md, subject="北京通知")

    # The general manager's role opens the directors' lists; the permissions open the rest.
    viewer = StaffFactory(branch=here.branch, display_name="上海查看", roles=[Role.GENERAL_MANAGER])
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return here, there, viewer, completed, waiting


@pytest.fixture(scope="module")
def _branches_once(django_db_setup, django_db_blocker):
    # Built once for the module (every test that touches the database uses it), in a
    # transaction rolled back after the last; each test runs in a savepoint of it.
    yield from built_once(django_db_blocker, _build_branches)


@pytest.fixture
def branches(_branches_once, db):
    """(here, there, viewer, completed, waiting): see _build_branches."""
    return _branches_once


def project_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS
    ]


def test_every_project_admin_is_branch_scoped():
    assert project_admins()
    for model, model_admin in project_admins():
        assert isinstance(model_admin, BranchScopedAdminMixin), model
        assert hasattr(model_admin, "branch_lookup"), model


@pytest.mark.parametrize(
    "model", [m for m, _a in project_admins()], ids=lambda m: m._meta.label_lower
)
def test_no_changelist_shows_another_branchs_rows(branches, client, model):
    _here, _there, viewer, _completed, _waiting = branches
    client.force_login(viewer)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    for marker in MARKERS:
        assert marker not in page, marker


def test_a_superuser_sees_every_branch(branches, client):
    here, _there, _viewer, _completed, _waiting = branches
    client.force_login(StaffFactory(branch=here.branch, is_superuser=True))

    page = client.get(reverse("admin:accounts_customer_changelist")).content.decode()

    assert "7777000001" in page


def other_branch_objects(there, completed, waiting):
    approval = Approval.objects.filter(request=waiting).first()
    return [
        ("accounts_branch", there.branch),
        ("accounts_staff", there.md),
        ("accounts_customer", completed.customer),
        ("core_system_coreaccountstate", CoreAccountState.objects.get(customer=completed.customer)),
        ("notifications_notification", Notification.objects.get(recipient=there.md)),
        ("transfers_transferrequest", completed),
        ("transfers_transferauditentry", TransferAuditEntry.objects.filter(request=waiting)[0]),
        ("transfers_appointment", Appointment.objects.get(customer=waiting.customer)),
        ("transfers_approvalqueueitem", waiting),
        ("transfers_laterequest", waiting),
        ("transfers_pendingsignoff", approval),
        ("transfers_overduesignoff", approval),
    ]


def test_another_branchs_object_page_is_a_404_that_reveals_nothing(branches, client):
    _here, there, viewer, completed, waiting = branches
    client.force_login(viewer)

    for name, obj in other_branch_objects(there, completed, waiting):
        for view in ("change", "history", "delete"):
            response = client.get(reverse(f"admin:{name}_{view}", args=[obj.pk]))
            assert response.status_code == 404, (name, view)
            for marker in MARKERS:
                assert marker not in response.content.decode(), (name, view, marker)


def test_the_same_object_page_opens_for_its_own_branch(branches, client):
    _here, there, _viewer, completed, _waiting = branches
    client.force_login(there.auditor)

    url = reverse("admin:transfers_transferrequest_change", args=[completed.pk])

    assert client.get(url).status_code == 200


def test_foreign_key_choices_offer_only_the_own_branch(branches, client):
    here, there, _viewer, _completed, _waiting = branches
    mine = here.customer("core")
    client.force_login(here.md)

    form = client.get(reverse("admin:transfers_appointment_add")).context["adminform"].form

    hosts, customers = form.fields["host"].queryset, form.fields["customer"].queryset
    assert here.md in hosts and there.md not in hosts
    assert {s.branch_id for s in hosts} == {here.branch.pk}
    assert list(customers) == [mine]


def test_a_branch_field_offers_only_the_own_branch(branches, client):
    here, _there, _viewer, _completed, _waiting = branches
    editor = StaffFactory(branch=here.branch)
    editor.user_permissions.set(Permission.objects.filter(codename="add_serviceteam"))
    client.force_login(editor)

    form = client.get(reverse("admin:retention_serviceteam_add")).context["adminform"].form

    assert list(form.fields["branch"].queryset) == [here.branch]


def test_every_admin_page_opens_for_a_superuser(branches, client):
    here, *_rest = branches
    client.force_login(StaffFactory(branch=here.branch, is_superuser=True))

    for model, model_admin in project_admins():
        info = model._meta.app_label, model._meta.model_name
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
        add = client.get(reverse("admin:{}_{}_add".format(*info)))
        assert add.status_code == (200 if model_admin.has_add_permission(add.wsgi_request) else 403)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_the_admin_index_opens_for_every_role(branches, client, role):
    here, *_rest = branches
    client.force_login(StaffFactory(branch=here.branch, roles=[role]))

    assert client.get(reverse("admin:index")).status_code == 200


def test_customer_autocomplete_offers_only_the_own_branch(branches, client):
    here, *_rest = branches
    here.customer("core", name="北京丙")  # same name prefix, this branch
    client.force_login(here.md)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "transfers",
            "model_name": "appointment",
            "field_name": "customer",
            "term": "北京",
        },
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 1
    assert "7777" not in response.content.decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "/admin/branch_ops/notification/?read_at__isnull=True",
            "/admin/notifications/notification/?read_at__isnull=True",
        ),
        ("/admin/retention/churnreason/", "/admin/transfers/churnreason/"),
        (
            "/admin/branch_ops/coreaccountstate/7/change/",
            "/admin/core_system/coreaccountstate/7/change/",
        ),
    ],
)
def test_a_moved_models_old_admin_address_redirects_to_its_new_one(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
