"""Customers, staff and branches in the admin: masked numbers, search by the full number,
the manual tier only through customer_set_tier."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import Branch, Tier
from tests.accounts.factories import StaffFactory
from tests.builders import make_branch

CUSTOMERS = "admin:accounts_customer_changelist"


@pytest.fixture
def en_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_customer_list_shows_identity_number_and_phone_masked(people, en_client):
    customer = people.customer(id_number="110101199003071234", phone="13912345678")
    en_client.force_login(people.md)

    page = en_client.get(reverse(CUSTOMERS)).content.decode()

    assert "110101********1234" in page and "139****5678" in page
    assert "110101199003071234" not in page and "13912345678" not in page
    assert customer.masked_name in page


def test_customer_page_shows_numbers_masked_to_staff(people, en_client):
    customer = people.customer(id_number="110101199003071234", phone="13912345678")
    en_client.force_login(people.md)

    page = en_client.get(reverse("admin:accounts_customer_change", args=[customer.pk]))

    assert page.status_code == 200
    assert b"110101199003071234" not in page.content
    assert b"13912345678" not in page.content
    assert b"110101********1234" in page.content


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("110101199003071234", True),  # the full identity number
        ("8800999999", True),  # the full fund account
        ("钱多", True),  # the name
        ("19900307", False),  # part of the identity number
        ("8800999", False),  # part of the fund account
    ],
)
def test_customer_search_needs_the_full_number(people, en_client, query, found):
    customer = people.customer(
        name="钱多多", id_number="110101199003071234", fund_account="8800999999"
    )
    en_client.force_login(people.md)

    response = en_client.get(reverse(CUSTOMERS), {"q": query})

    assert (customer in response.context["cl"].result_list) is found


def set_tier(client, customer, **data):
    payload = {"action": "set_tier", ACTION_CHECKBOX_NAME: [str(customer.pk)], **data}
    return client.post(reverse(CUSTOMERS), payload, follow=True)


def test_director_sets_a_tier_by_hand_with_a_reason(people, en_client):
    customer = people.customer("ordinary")
    en_client.force_login(people.md)

    asked = en_client.post(
        reverse(CUSTOMERS), {"action": "set_tier", ACTION_CHECKBOX_NAME: [str(customer.pk)]}
    )
    assert set(asked.context["form"].fields) == {"tier", "reason"}

    set_tier(en_client, customer, apply="1", tier=Tier.CORE, reason="集团客户，总部指定")

    customer.refresh_from_db()
    assert customer.tier == Tier.CORE
    assert customer.tier_override_by == people.md
    assert customer.tier_override_reason == "集团客户，总部指定"


def test_a_tier_by_hand_without_a_reason_shows_the_services_message(people, en_client):
    customer = people.customer("ordinary")
    en_client.force_login(people.md)

    response = set_tier(en_client, customer, apply="1", tier=Tier.CORE, reason="")

    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and "Say why" in errors[0]
    customer.refresh_from_db()
    assert customer.tier_override == ""


def test_the_tier_by_hand_is_not_a_field_of_the_customer_form(people, en_client):
    customer = people.customer("ordinary")
    en_client.force_login(people.gm)

    form = (
        en_client.get(reverse("admin:accounts_customer_change", args=[customer.pk]))
        .context["adminform"]
        .form
    )

    assert not {"tier_override", "tier_override_reason", "tier_override_by"} & set(form.fields)
    assert set(form.fields) == {"account_manager"}


def test_an_auditor_is_offered_no_tier_action_and_cannot_post_one(people, en_client):
    customer = people.customer("ordinary")
    en_client.force_login(people.auditor)

    page = en_client.get(reverse(CUSTOMERS))
    set_tier(en_client, customer, apply="1", tier=Tier.CORE, reason="试图修改")

    action_form = page.context["action_form"]  # None when no action at all is offered
    assert action_form is None or "set_tier" not in dict(action_form.fields["action"].choices)
    customer.refresh_from_db()
    assert customer.tier_override == ""


def test_account_manager_choices_are_the_branchs_account_managers(people, en_client):
    other = make_branch("BJ02")
    customer = people.customer("ordinary")
    en_client.force_login(people.gm)

    form = (
        en_client.get(reverse("admin:accounts_customer_change", args=[customer.pk]))
        .context["adminform"]
        .form
    )

    assert list(form.fields["account_manager"].queryset) == [people.am]
    assert other.am not in form.fields["account_manager"].queryset


def test_general_manager_sees_and_sets_only_the_own_branchs_thresholds(people, en_client):
    make_branch("BJ02")
    en_client.force_login(people.gm)

    listed = en_client.get(reverse("admin:accounts_branch_changelist")).context["cl"].result_list
    assert list(listed) == [people.branch]

    url = reverse("admin:accounts_branch_change", args=[people.branch.pk])
    form = en_client.get(url).context["adminform"].form
    assert "code" not in form.fields
    en_client.post(
        url,
        {
            "name": "新名称营业部",
        },
    )
    saved = Branch.objects.get(pk=people.branch.pk)
    assert saved.name == "新名称营业部"


def test_staff_editors_who_are_not_superusers_cannot_grant_superuser_status(people, en_client):
    editor = StaffFactory(branch=people.branch)
    editor.user_permissions.set(
        Permission.objects.filter(codename__in=["view_staff", "change_staff"])
    )
    en_client.force_login(editor)

    form = (
        en_client.get(reverse("admin:accounts_staff_change", args=[people.clerk.pk]))
        .context["adminform"]
        .form
    )

    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    assert list(form.fields["branch"].queryset) == [people.branch]


def test_a_superuser_corrects_the_full_record(people, en_client):
    customer = people.customer(id_number="110101199003071234")
    en_client.force_login(StaffFactory(branch=people.branch, is_superuser=True))

    form = (
        en_client.get(reverse("admin:accounts_customer_change", args=[customer.pk]))
        .context["adminform"]
        .form
    )

    assert form.initial["id_number"] == "110101199003071234"
