"""Signing in, the layout, customer search and the customer page."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.roles import Role
from tests.accounts.factories import STAFF_PASSWORD, StaffFactory
from tests.builders import to_awaiting_approval


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_pages_send_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get(reverse("customer_search"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=" + reverse("customer_search")


def test_staff_sign_in_and_see_their_name_branch_and_roles(client, people):
    response = client.post(
        reverse("login"),
        {"username": people.clerk.username, "password": STAFF_PASSWORD},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("home")
    assert str(people.clerk) in page
    assert people.branch.name in page
    assert "Counter clerk" in page
    assert 'action="/i18n/setlang/"' in page


def test_a_wrong_password_does_not_sign_in(client, people):
    response = client.post(
        reverse("login"), {"username": people.clerk.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_signing_out_is_a_post(client, people):
    client.force_login(people.clerk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_language_switcher_changes_the_interface_language(client, people):
    client.force_login(people.clerk)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert '<html lang="zh-hans">' in client.get(reverse("home")).content.decode()


# --- Search ---------------------------------------------------------------------------------


def test_lists_show_identity_numbers_and_phones_masked(client, people):
    customer = people.customer(name="王小明", id_number="110101199003071234", phone="13812345678")
    client.force_login(people.clerk)
    page = client.get(reverse("customer_search"), {"q": "王小明"}).content.decode()
    assert "110101********1234" in page and "138****5678" in page and "王**" in page
    assert customer.id_number not in page
    assert customer.phone not in page
    results = page.split('role="search"')[1].split("</form>", 1)[1]
    assert "王小明" not in results  # only in the search box


@pytest.mark.parametrize("field", ["fund_account", "id_number"])
def test_the_full_number_finds_the_customer(client, people, field):
    customer = people.customer(id_number="110101199003071234")
    people.customer()  # someone else, not to be found
    client.force_login(people.clerk)
    response = client.get(reverse("customer_search"), {"q": getattr(customer, field)})
    page = response.content.decode()
    assert "1 customer found" in page
    assert reverse("customer_detail", kwargs={"pk": customer.pk}) in page


def test_search_never_finds_another_branchs_customer(client, people, other_branch):
    theirs = other_branch.customer()
    client.force_login(people.clerk)
    page = client.get(reverse("customer_search"), {"q": theirs.fund_account}).content.decode()
    assert "No customer of this branch matches." in page
    assert reverse("customer_detail", kwargs={"pk": theirs.pk}) not in page


# --- The customer page ----------------------------------------------------------------------


def test_the_customer_page_shows_masked_details_tier_and_manager(client, people):
    customer = people.customer("important", id_number="110101199003071234", phone="13812345678")
    client.force_login(people.clerk)
    page = client.get(reverse("customer_detail", kwargs={"pk": customer.pk})).content.decode()
    assert "110101********1234" in page and "138****5678" in page
    assert "110101199003071234" not in page and "13812345678" not in page
    assert "Important" in page
    assert str(people.am) in page
    assert reverse("request_create", kwargs={"pk": customer.pk}) in page


def test_a_tier_set_by_hand_shows_who_and_why(client, people):
    from accounts.services import customer_set_tier

    customer = people.customer("ordinary")
    customer_set_tier(customer=customer, actor=people.gm, tier="core", reason="集团客户")
    client.force_login(people.clerk)
    page = client.get(reverse("customer_detail", kwargs={"pk": customer.pk})).content.decode()
    assert "Set by hand" in page and "集团客户" in page and str(people.gm) in page


def test_an_institution_is_approved_as_core(client, people):
    institution = people.institution()
    client.force_login(people.clerk)
    page = client.get(reverse("customer_detail", kwargs={"pk": institution.pk})).content.decode()
    assert "institutions are approved like core customers" in page


def test_only_counter_roles_see_the_start_request_button(client, people):
    customer = people.customer()
    url = reverse("customer_detail", kwargs={"pk": customer.pk})
    start = reverse("request_create", kwargs={"pk": customer.pk})
    for person, shown in [
        (people.clerk, True),
        (people.lead, True),
        (people.am, False),
        (people.gm, False),
        (people.auditor, False),
    ]:
        client.force_login(person)
        assert (start in client.get(url).content.decode()) is shown, person


def test_an_open_request_is_continued_not_started_again(client, people):
    req = to_awaiting_approval(people, people.customer())
    client.force_login(people.clerk)
    page = client.get(reverse("customer_detail", kwargs={"pk": req.customer.pk})).content.decode()
    assert f"Continue open request #{req.pk}" in page
    assert reverse("request_create", kwargs={"pk": req.customer.pk}) not in page


def test_another_branchs_customer_is_not_found(client, people, other_branch):
    client.force_login(people.clerk)
    theirs = other_branch.customer()
    assert client.get(reverse("customer_detail", kwargs={"pk": theirs.pk})).status_code == 404


# --- Appointments (Art. 18) -----------------------------------------------------------------


def test_the_marketing_director_books_an_appointment_and_records_findings(client, people):
    customer = people.customer("core")
    client.force_login(people.md)
    response = client.post(
        reverse("appointment_book", kwargs={"pk": customer.pk}),
        {"host": people.md.pk, "findings": ""},
        follow=True,
    )
    assert "Appointment booked." in response.content.decode()
    appointment = customer.appointments.get()
    assert appointment.booked_on == dt.date(2026, 11, 25)
    response = client.post(
        reverse("appointment_findings", kwargs={"pk": appointment.pk}),
        {"findings": "嫌佣金高，已说明可协商"},
        follow=True,
    )
    assert "嫌佣金高，已说明可协商" in response.content.decode()


def test_the_auditor_cannot_book_an_appointment(client, people):
    customer = people.customer("core")
    client.force_login(people.auditor)
    response = client.post(
        reverse("appointment_book", kwargs={"pk": customer.pk}), {"host": people.md.pk}
    )
    assert response.status_code == 403
    assert not customer.appointments.exists()


def test_an_appointment_host_must_be_a_director_or_general_manager(client, people):
    customer = people.customer("core")
    clerk_host = StaffFactory(branch=people.branch, roles=[Role.COUNTER_CLERK])
    client.force_login(people.md)
    response = client.post(
        reverse("appointment_book", kwargs={"pk": customer.pk}),
        {"host": clerk_host.pk},
        follow=True,
    )
    assert "Select a valid choice" in response.content.decode()
    assert not customer.appointments.exists()
