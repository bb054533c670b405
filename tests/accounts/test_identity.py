"""Identity at the counter, privacy elsewhere (Art. 4; PIPL Art. 6, 51): the counter sees a
person's name in full on their own page, request and business form, and the identity number
and phone when it asks; lists, approvers, the API stay masked; an account manager sees a
phone to call with a stated purpose; every full look writes one access-log row."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts.models import AccessPurpose, CustomerAccessLog, RevealedField
from accounts.permissions import may_reveal
from accounts.roles import Role
from accounts.services import customer_reveal
from kernel.calendar import TradingCalendar
from kernel.errors import Forbidden, InvalidInput, NotFound
from retention.services import departure_reassign
from revisits.models import Reason, RevisitTask
from revisits.services import revisits_plan
from tests.accounts.factories import StaffFactory
from tests.builders import departed, important, page, to_awaiting_approval, token_client

FULL_NAME = "赵子龙"
PHONE = "13912345678"


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def zhao(people):
    return people.customer(name=FULL_NAME, id_number="110101199003071234", phone=PHONE)


def logs(customer) -> list[CustomerAccessLog]:
    return list(CustomerAccessLog.objects.filter(customer=customer).order_by("pk"))


def reveal_phone(client, customer, **data):
    data.setdefault("purpose", AccessPurpose.REVISIT_CALL)
    return client.post(
        reverse("customer_phone_reveal", kwargs={"pk": customer.pk}),
        data,
        REMOTE_ADDR="10.9.8.7",
    )


# --- The full name: the counter, on one customer's own record ------------------------------


def test_the_counter_sees_the_full_name_on_the_customer_page(client, people, zhao):
    url = reverse("customer_detail", kwargs={"pk": zhao.pk})
    for person in (people.clerk, people.lead):
        client.force_login(person)
        assert FULL_NAME in page(client.get(url)), person
    for person in (people.am, people.md, people.gm, people.auditor):
        client.force_login(person)
        shown = page(client.get(url))
        assert FULL_NAME not in shown and "赵**" in shown, person


def test_the_counters_look_is_logged_as_showing_the_name(client, people, zhao):
    client.force_login(people.clerk)
    client.get(reverse("customer_detail", kwargs={"pk": zhao.pk}), REMOTE_ADDR="10.0.0.9")
    client.force_login(people.am)
    client.get(reverse("customer_detail", kwargs={"pk": zhao.pk}))
    assert [(log.actor, log.field, log.purpose) for log in logs(zhao)] == [
        (people.clerk, RevealedField.NAME, AccessPurpose.VERIFY_IDENTITY),
        (people.am, RevealedField.NONE, ""),
    ]
    assert logs(zhao)[0].client_ip == "10.0.0.9"


def test_the_counter_sees_the_full_name_on_the_request_page_approvers_do_not(client, people, zhao):
    req = to_awaiting_approval(people, zhao)
    url = reverse("request_detail", kwargs={"pk": req.pk})
    client.force_login(people.clerk)
    assert FULL_NAME in page(client.get(url))
    for approver in (people.am, people.md, people.gm):
        client.force_login(approver)
        shown = page(client.get(url))
        assert FULL_NAME not in shown and "赵**" in shown, approver


def test_the_counter_sees_the_full_name_on_the_new_request_page(client, people, zhao):
    url = reverse("request_create", kwargs={"pk": zhao.pk})
    for person in (people.clerk, people.lead):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200 and FULL_NAME in page(response), person
        # Sent back with a form error, the page still names the customer in full.
        refused = client.post(url, {"wants_sz_transfer": "on", "sz_receiving_seat": "12"})
        assert refused.status_code == 400 and FULL_NAME in page(refused), person
    # Whoever may not start a request is sent to the customer's page, masked there.
    for person in (people.am, people.md, people.gm, people.auditor):
        client.force_login(person)
        shown = page(client.get(url, follow=True))
        assert FULL_NAME not in shown and "赵**" in shown, person


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_business_form_printed_at_the_counter_names_the_customer_in_full(client, people, zhao):
    req = to_awaiting_approval(people, zhao)
    url = reverse("request_form_pdf", kwargs={"pk": req.pk})
    client.force_login(people.clerk)
    text = _pdf_text(client.get(url).content)
    assert FULL_NAME in text
    assert zhao.id_number not in text and PHONE not in text  # the numbers stay masked
    client.force_login(people.am)
    assert FULL_NAME not in _pdf_text(client.get(url).content)


def test_lists_and_queues_stay_masked_for_the_counter_too(client, people, zhao):
    req = to_awaiting_approval(people, zhao)
    lists = [reverse("customer_search") + "?q=赵", reverse("request_list"), reverse("home")]
    # The counter lead is the first approver: their queue is a list like any other.
    for person, urls in (
        (people.clerk, lists),
        (people.lead, [*lists, reverse("approvals_queue")]),
    ):
        client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            results = page(response).split('role="search"')[-1].split("</form>", 1)[-1]
            assert FULL_NAME not in results, (person, url)
            if url != reverse("home"):
                assert "赵**" in results, (person, url)  # the row is there, masked
    assert req.customer_id == zhao.pk


def test_search_results_tell_namesakes_apart_without_full_names(client, people):
    first = people.customer(name="赵一", id_number="110101199003071111")
    second = people.customer(name="赵二", id_number="110101199003072222")
    client.force_login(people.clerk)
    shown = page(client.get(reverse("customer_search"), {"q": "赵"}))
    results = shown.split('role="search"')[1].split("</form>", 1)[1]
    assert "2 customers found" in results
    assert results.count("赵*<") == 2  # the same masked name twice …
    # … told apart by the fund account and the identity number's last four.
    for customer, tail in ((first, "1111"), (second, "2222")):
        assert customer.fund_account in results
        assert f"110101********{tail}" in results
    assert "赵一" not in results and "赵二" not in results


def test_an_institutions_name_is_never_masked(client, people):
    institution = people.institution(name="某某投资有限公司")
    client.force_login(people.am)
    shown = page(client.get(reverse("customer_detail", kwargs={"pk": institution.pk})))
    assert "某某投资有限公司" in shown


# --- The API: masked in the list and the retrieve, so nothing to log ----------------------


def test_the_api_list_and_retrieve_are_masked_and_write_no_access_row(people, zhao):
    api = token_client(people, scopes=["customers:read"])
    listed = api.get("/api/v1/customers/", {"q": zhao.fund_account}).json()["results"]
    one = api.get(f"/api/v1/customers/{zhao.pk}/").json()
    for body in (listed[0], one):
        assert body["name"] == "赵**"
        assert body["id_number"] == "110101********1234"
        assert body["phone"] == "139****5678"
    assert logs(zhao) == []


def test_the_api_schema_says_the_customer_is_masked(client, people):
    client.force_login(people.clerk)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    customer = schema["components"]["schemas"]["Customer"]["properties"]
    for name in ("name", "id_number", "phone"):
        assert "Masked (PIPL Art. 51)" in customer[name]["description"], name


# --- The counter's identity check ----------------------------------------------------------


def test_the_counter_asks_for_the_numbers_with_a_post_and_it_is_logged_once(client, people, zhao):
    client.force_login(people.lead)
    url = reverse("customer_detail", kwargs={"pk": zhao.pk})
    assert zhao.id_number not in page(client.get(url))
    before = len(logs(zhao))
    response = client.post(url)
    shown = page(response)
    assert zhao.id_number in shown and PHONE in shown and FULL_NAME in shown
    assert response["Cache-Control"] == "no-store"
    assert [(log.field, log.purpose) for log in logs(zhao)[before:]] == [
        (RevealedField.IDENTITY, AccessPurpose.VERIFY_IDENTITY)
    ]


def test_no_one_else_gets_the_numbers_by_posting_to_the_customer_page(client, people, zhao):
    url = reverse("customer_detail", kwargs={"pk": zhao.pk})
    for person in (people.am, people.gm, people.auditor):
        client.force_login(person)
        response = client.post(url, follow=True)
        assert zhao.id_number not in page(response), person
        assert "Only the counter" in page(response), person
    assert not any(log.field == RevealedField.IDENTITY for log in logs(zhao))


# --- An account manager calls: revisit tasks and retention contact tasks -------------------


@pytest.fixture
def revisit(people):
    """An important customer of people.am who left on Mon 23 Nov 2026: the first-week
    revisit."""
    customer = important(people, name=FULL_NAME, phone=PHONE)
    departed(people, customer, on=dt.date(2026, 11, 23))
    revisits_plan(
        branch=people.branch, business_date=dt.date(2026, 11, 23), calendar=TradingCalendar()
    )
    return RevisitTask.objects.get(customer=customer, reason=Reason.LEFT_FIRST)


def test_the_account_manager_reveals_the_phone_from_a_revisit_task(client, people, revisit):
    customer = revisit.customer
    task_url = reverse("revisit_detail", kwargs={"pk": revisit.pk})
    client.force_login(people.am)
    task_page = page(client.get(task_url))
    assert PHONE not in task_page and "139****5678" in task_page
    assert reverse("customer_phone_reveal", kwargs={"pk": customer.pk}) in task_page

    response = reveal_phone(client, customer, note="第一周回访", next=task_url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    shown = page(response)
    assert PHONE in shown and "Revisit call" in shown and task_url in shown
    (log,) = [log for log in logs(customer) if log.field == RevealedField.PHONE]
    assert (log.actor, log.purpose, log.note, log.client_ip, log.channel) == (
        people.am,
        AccessPurpose.REVISIT_CALL,
        "第一周回访",
        "10.9.8.7",
        "page",
    )
    # The task page itself still shows the number masked.
    assert PHONE not in page(client.get(task_url))


def test_the_auditor_cannot_reveal_a_phone(client, people, revisit):
    client.force_login(people.auditor)
    task_url = reverse("revisit_detail", kwargs={"pk": revisit.pk})
    assert reverse("customer_phone_reveal", kwargs={"pk": revisit.customer.pk}) not in page(
        client.get(task_url)
    )
    response = reveal_phone(client, revisit.customer, next=task_url)
    assert response.status_code == 302 and response["Location"] == task_url
    followed = page(client.get(task_url))
    assert PHONE not in followed and "may see the phone in full" in followed
    assert logs(revisit.customer) == []


def test_an_account_manager_cannot_reveal_another_managers_customer(client, people, zhao):
    colleague = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    client.force_login(colleague)
    response = reveal_phone(client, zhao)
    assert response.status_code == 302
    assert logs(zhao) == []


def test_another_branchs_customer_is_a_404_and_logs_nothing(client, people, other_branch):
    theirs = other_branch.customer(phone=PHONE)
    client.force_login(people.am)
    assert reveal_phone(client, theirs).status_code == 404
    client.force_login(other_branch.am)  # their own manager, in their own branch
    assert reveal_phone(client, theirs).status_code == 200
    assert [log.actor for log in logs(theirs)] == [other_branch.am]


def test_a_reveal_without_a_known_purpose_is_refused_with_the_form(client, people, zhao):
    client.force_login(people.am)
    response = reveal_phone(client, zhao, purpose="curiosity")
    assert response.status_code == 400
    assert PHONE not in page(response)
    assert "Select a valid choice" in page(response)
    assert logs(zhao) == []


def test_the_reveal_is_a_post(client, people, zhao):
    client.force_login(people.am)
    url = reverse("customer_phone_reveal", kwargs={"pk": zhao.pk})
    assert client.get(url, {"purpose": AccessPurpose.REVISIT_CALL}).status_code == 405
    assert logs(zhao) == []


def test_each_role_may_or_may_not_reveal_a_phone(client, people, zhao):
    archivist = StaffFactory(branch=people.branch, roles=[Role.ARCHIVIST])
    expected = {
        people.clerk: True,  # at the counter (Art. 4)
        people.lead: True,
        people.am: True,  # the customer's own manager (Art. 31)
        people.md: True,  # the directors answer for every revisit (Art. 28, 31)
        people.gm: True,
        people.auditor: False,  # reads, never calls
        archivist: False,
    }
    for person, allowed in expected.items():
        client.force_login(person)
        response = reveal_phone(client, zhao, purpose=AccessPurpose.RETENTION_CALL)
        assert (PHONE in page(response)) is allowed, person
    assert [log.actor for log in logs(zhao)] == [p for p, ok in expected.items() if ok]


def test_the_contact_task_list_offers_the_reveal_for_a_retention_call(client, people):
    leaver = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    customer = people.customer(account_manager=leaver, phone=PHONE)
    departure_reassign(
        departed=leaver, actor=people.md, to_person=people.am, left_on=dt.date(2026, 11, 24)
    )
    client.force_login(people.am)
    tasks_url = reverse("retention_tasks")
    listed = page(client.get(tasks_url))
    assert reverse("customer_phone_reveal", kwargs={"pk": customer.pk}) in listed
    assert 'value="retention_call" selected' in listed
    assert PHONE not in listed

    response = reveal_phone(client, customer, purpose=AccessPurpose.RETENTION_CALL, next=tasks_url)

    assert PHONE in page(response)
    assert [(log.actor, log.purpose) for log in logs(customer)] == [
        (people.am, AccessPurpose.RETENTION_CALL)
    ]


def test_a_customer_without_a_phone_reveals_nothing(client, people):
    customer = people.customer(phone="")
    client.force_login(people.am)
    response = reveal_phone(client, customer)
    assert response.status_code == 302
    assert logs(customer) == []


# --- The one rule, asked directly -----------------------------------------------------------


def test_each_purpose_opens_only_its_own_field(people, zhao):
    def ok(actor, field, purpose):
        return may_reveal(actor, zhao, field=field, purpose=purpose)

    assert ok(people.clerk, RevealedField.IDENTITY, AccessPurpose.VERIFY_IDENTITY)
    assert not ok(people.am, RevealedField.IDENTITY, AccessPurpose.VERIFY_IDENTITY)
    # A call needs the phone, not the identity number.
    assert not ok(people.am, RevealedField.IDENTITY, AccessPurpose.REVISIT_CALL)
    assert ok(people.am, RevealedField.PHONE, AccessPurpose.REVISIT_CALL)
    # Correcting the record is the head office's administrator's, not the branch's.
    assert not ok(people.gm, RevealedField.RECORD, AccessPurpose.CORRECT_RECORD)
    superuser = StaffFactory(branch=people.branch, is_superuser=True)
    assert ok(superuser, RevealedField.RECORD, AccessPurpose.CORRECT_RECORD)


def test_the_service_refuses_before_it_writes(people, other_branch, zhao, english):
    with pytest.raises(Forbidden):
        customer_reveal(
            customer=zhao,
            actor=people.auditor,
            field=RevealedField.PHONE,
            purpose=AccessPurpose.REVISIT_CALL,
            client_ip=None,
        )
    with pytest.raises(NotFound):
        customer_reveal(
            customer=zhao,
            actor=other_branch.am,
            field=RevealedField.PHONE,
            purpose=AccessPurpose.REVISIT_CALL,
            client_ip=None,
        )
    with pytest.raises(InvalidInput):
        customer_reveal(
            customer=zhao,
            actor=people.am,
            field=RevealedField.PHONE,
            purpose=AccessPurpose.REVISIT_CALL,
            client_ip=None,
            note="长" * 201,
        )
    assert logs(zhao) == []
