"""The head office, above the branches: its people belong to no branch, a branch's people to
exactly one, and no one holds roles of both (accounts/roles.placement_refusal), whichever
door sets the roles — the service, the model's clean, the admin."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import permissions, services
from accounts.models import AccessPurpose, CustomerAccessLog, RevealedField, Staff
from accounts.roles import Role
from kernel.errors import InvalidInput, NotFound
from tests.accounts.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def hq(role: Role = Role.HQ_MARKETING, **kwargs) -> Staff:
    return StaffFactory(branch=None, roles=[role], **kwargs)


# --- Where a person belongs -----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.HQ_MARKETING, Role.HQ_COMPLIANCE, Role.CALENDAR_KEEPER])
def test_a_head_office_person_is_placed_in_no_branch(role):
    person = StaffFactory(branch=None)
    services.staff_set_roles(staff=person, roles=[role])
    person.refresh_from_db()
    assert person.branch_id is None and person.has_role(role)
    person.full_clean()  # the model agrees


def test_a_head_office_role_with_a_branch_is_refused_and_nothing_changes(people):
    person = people.clerk
    with pytest.raises(InvalidInput, match="belongs to no branch"):
        services.staff_set_roles(staff=person, roles=[Role.HQ_COMPLIANCE])
    person.refresh_from_db()
    assert person.branch_id == people.branch.pk
    assert set(person.groups.values_list("name", flat=True)) == {Role.COUNTER_CLERK}


def test_a_head_office_role_is_never_held_with_a_branch_role(people):
    with pytest.raises(InvalidInput, match="cannot be held with a branch role"):
        services.staff_set_roles(
            staff=people.gm, roles=[Role.GENERAL_MANAGER, Role.HQ_MARKETING], branch=None
        )
    assert not people.gm.groups.filter(name=Role.HQ_MARKETING).exists()


def test_a_branch_role_needs_its_branch():
    person = hq()
    with pytest.raises(InvalidInput, match="exactly one branch"):
        services.staff_set_roles(staff=person, roles=[Role.ACCOUNT_MANAGER])
    assert person.groups.get().name == Role.HQ_MARKETING


def test_the_calendar_keeper_may_also_hold_a_branch_role_at_its_branch(people):
    services.staff_set_roles(staff=people.gm, roles=[Role.GENERAL_MANAGER, Role.CALENDAR_KEEPER])
    assert people.gm.has_role(Role.CALENDAR_KEEPER) and people.gm.branch_id == people.branch.pk


def test_moving_a_person_to_the_head_office_drops_their_branch(people):
    services.staff_set_roles(staff=people.auditor, roles=[Role.HQ_COMPLIANCE], branch=None)
    people.auditor.refresh_from_db()
    assert people.auditor.branch_id is None
    assert permissions.is_head_office(people.auditor)


def test_an_unknown_role_is_refused():
    with pytest.raises(InvalidInput, match="No such role"):
        services.staff_set_roles(staff=hq(), roles=["regional_king"])


def test_the_models_clean_refuses_a_head_office_person_with_a_branch(people):
    person = StaffFactory(branch=people.branch, roles=[Role.HQ_MARKETING])
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert "branch" in refused.value.message_dict


def _change_form_data(person: Staff, **changes) -> dict:
    data = {
        "username": person.username,
        "display_name": person.display_name,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "branch": person.branch_id or "",
        "groups": list(person.groups.values_list("pk", flat=True)),
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-11-01",
        "date_joined_1": "09:00:00",
    }
    data.update(changes)
    return data


def test_the_admin_refuses_a_head_office_role_for_a_branch_person(client, people):
    client.force_login(StaffFactory(branch=None, is_superuser=True))
    person = people.am
    hq_group = Group.objects.get(name=Role.HQ_MARKETING)
    response = client.post(
        reverse("admin:accounts_staff_change", args=[person.pk]),
        _change_form_data(person, groups=[hq_group.pk]),
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "A head-office person belongs to no branch" in response.content.decode()
    assert not person.groups.filter(name=Role.HQ_MARKETING).exists()


def test_the_admin_moves_a_person_to_the_head_office_without_a_branch(client, people):
    client.force_login(StaffFactory(branch=None, is_superuser=True))
    person = people.am
    hq_group = Group.objects.get(name=Role.HQ_COMPLIANCE)
    response = client.post(
        reverse("admin:accounts_staff_change", args=[person.pk]),
        _change_form_data(person, groups=[hq_group.pk], branch=""),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.branch_id is None and person.has_role(Role.HQ_COMPLIANCE)


# --- Who they are ---------------------------------------------------------------------------


def test_the_head_office_predicates(people):
    marketing, compliance, keeper = (
        hq(Role.HQ_MARKETING),
        hq(Role.HQ_COMPLIANCE),
        hq(Role.CALENDAR_KEEPER),
    )
    admin = StaffFactory(branch=None, is_superuser=True)
    assert [permissions.is_head_office(p) for p in (marketing, compliance, keeper)] == [True] * 3
    assert not permissions.is_head_office(people.gm)
    assert [permissions.sees_every_branch(p) for p in (marketing, compliance, keeper, admin)] == [
        True,
        True,
        False,
        True,
    ]
    assert not permissions.sees_every_branch(people.gm)
    assert [permissions.publishes_norm(p) for p in (marketing, compliance, people.gm)] == [
        True,
        False,
        False,
    ]


def test_the_head_office_home_says_who_they_are(client):
    client.force_login(hq(Role.HQ_COMPLIANCE, display_name="总部合规"))
    shown = client.get(reverse("home")).content.decode()
    assert "总部合规" in shown and "Head office" in shown
    assert reverse("calendar_overview") not in shown
    assert reverse("headoffice_console") in shown and reverse("headoffice_compliance") in shown
    # A branch's own pages are not offered to someone of no branch.
    assert reverse("customer_search") not in shown and reverse("archives:index") not in shown


def test_the_keepers_home_does_not_offer_the_console(client):
    client.force_login(hq(Role.CALENDAR_KEEPER))
    assert reverse("headoffice_console") not in client.get(reverse("home")).content.decode()


def test_the_keepers_home_links_the_calendar(client):
    client.force_login(hq(Role.CALENDAR_KEEPER))
    shown = client.get(reverse("home")).content.decode()
    assert reverse("calendar_overview") in shown


# --- Customers: masked, and every look logged -----------------------------------------------


def test_a_head_office_reveal_is_refused_and_nothing_is_shown(people):
    customer = people.customer(phone="13912345678")
    with pytest.raises(NotFound):
        services.customer_reveal(
            customer=customer,
            actor=hq(),
            field=RevealedField.PHONE,
            purpose=AccessPurpose.RETENTION_CALL,
            client_ip="10.1.1.1",
        )
    assert not CustomerAccessLog.objects.filter(customer=customer).exists()


def test_a_head_office_look_is_logged_under_the_customers_branch(people):
    customer = people.customer()
    person = hq(Role.HQ_COMPLIANCE)
    log = services.customer_access_record(
        customer=customer, actor=person, client_ip="10.1.1.2", channel="page"
    )
    assert (log.actor_id, log.branch_id) == (person.pk, people.branch.pk)


def test_the_head_office_administrator_reveals_a_record_and_it_is_logged(people):
    customer = people.customer()
    admin = StaffFactory(branch=None, is_superuser=True)
    log = services.customer_reveal(
        customer=customer,
        actor=admin,
        field=RevealedField.RECORD,
        purpose=AccessPurpose.CORRECT_RECORD,
        client_ip="10.1.1.3",
    )
    assert CustomerAccessLog.objects.get(customer=customer) == log
    assert (log.actor_id, log.branch_id, log.field) == (
        admin.pk,
        people.branch.pk,
        RevealedField.RECORD,
    )


def test_production_refuses_the_head_office_and_small_branch_demo_accounts(settings, people):
    from accounts.checks import demo_accounts_refused
    from accounts.demo_accounts import DEMO_PASSWORD

    settings.REFUSE_DEMO_ACCOUNTS = True
    for username, branch in (
        ("hq_marketing", None),
        ("hq_compliance", None),
        ("bj_gm", people.branch),
    ):
        Staff.objects.create_user(username, password=DEMO_PASSWORD, branch=branch)
    Staff.objects.create_user("sh_clerk", password="A-real-pass-2026", branch=people.branch)
    (error,) = demo_accounts_refused(databases=["default"])
    assert error.id == "accounts.E001"
    assert "hq_marketing" in error.msg and "hq_compliance" in error.msg and "bj_gm" in error.msg
    assert "sh_clerk" not in error.msg


# --- From the firm's directory --------------------------------------------------------------


def test_the_directory_places_a_head_office_group_in_no_branch():
    from accounts.directory import Placement, staff_place

    person = Staff(username="hq-from-directory")
    staff_place(
        person,
        dn="uid=hq,ou=people,dc=firm,dc=local",
        placement=Placement(branch_code="", roles=frozenset({Role.HQ_COMPLIANCE})),
    )
    assert person.branch_id is None and not person.has_usable_password()


def test_the_directory_refuses_a_head_office_role_at_a_branch(people):
    from accounts.directory import DirectoryRefused, Placement, staff_place

    with pytest.raises(DirectoryRefused):
        staff_place(
            Staff(username="mixed"),
            dn="uid=mixed,ou=people,dc=firm,dc=local",
            placement=Placement(
                branch_code=people.branch.code, roles=frozenset({Role.HQ_MARKETING})
            ),
        )


def test_a_branchs_general_manager_cannot_make_a_head_office_person(client, people):
    # The same form a superuser saves (above), from a manager allowed to edit the branch's staff.
    people.gm.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_staff", "change_staff"])
    )
    client.force_login(people.gm)
    hq_group = Group.objects.get(name=Role.HQ_MARKETING)
    response = client.post(
        reverse("admin:accounts_staff_change", args=[people.am.pk]),
        _change_form_data(people.am, groups=[hq_group.pk], branch=""),
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    people.am.refresh_from_db()
    assert people.am.branch_id == people.branch.pk
    assert not people.am.groups.filter(name=Role.HQ_MARKETING).exists()
