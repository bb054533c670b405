from django.urls import reverse

from tests.builders import page


def test_the_head_office_finds_its_console_in_the_top_bar(hq_client):
    assert reverse("headoffice_console") in page(hq_client.get(reverse("home")))


def test_branch_staff_do_not(client, people):
    client.force_login(people.gm)
    assert reverse("headoffice_console") not in page(client.get(reverse("home")))
