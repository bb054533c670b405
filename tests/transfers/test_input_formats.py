"""Typed fields with a format (transfers/validators.py): the request page, the API and the
service refuse the same bad seat or identity number in the same words, and nothing is saved."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kernel.errors import InvalidInput
from tests.builders import token_client
from transfers import services
from transfers.api import TransferCreateSerializer
from transfers.forms import TransferRequestForm
from transfers.models import TransferRequest

SZ = {"wants_sz_transfer": True, "sz_receiving_broker": "某某证券", "sz_receiving_seat": "123456"}
AGENT = {"by_agent": True, "agent_name": "李四", "agent_id_type": "resident_id"}
GOOD_ID = "31010119800101123X"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def clerk_client(client, people):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(people.clerk)
    return client


def page_post(client, customer, body):
    data = {k: ("on" if v is True else v) for k, v in body.items()}
    return client.post(reverse("request_create", kwargs={"pk": customer.pk}), data)


def api_post(people, customer, body):
    return token_client(people).post(
        "/api/v1/requests/", {"customer": customer.pk, **body}, format="json"
    )


BAD = [
    pytest.param({**SZ, "sz_receiving_seat": "abc"}, "sz_receiving_seat", "6 digits", id="seat"),
    pytest.param({**SZ, "sz_receiving_seat": "12345"}, "sz_receiving_seat", "6 digits", id="seat5"),
    pytest.param(
        {**SZ, **AGENT, "agent_id_number": "12345"},
        "agent_id_number",
        "18 characters",
        id="id-length",
    ),
    pytest.param(
        {**SZ, **AGENT, "agent_id_number": "310101198001011234"},
        "agent_id_number",
        "check digit",
        id="id-check-digit",
    ),
    pytest.param(
        {**SZ, **AGENT, "agent_id_number": "310101198013011236"},
        "agent_id_number",
        "no real date",
        id="id-birth-date",
    ),
    pytest.param(
        {**SZ, **AGENT, "agent_id_type": "passport", "agent_id_number": "E1"},
        "agent_id_number",
        "passport number",
        id="passport",
    ),
]


@pytest.mark.parametrize(("body", "field", "says"), BAD)
def test_the_page_and_the_api_refuse_a_bad_format_in_the_same_words_and_save_nothing(
    people, clerk_client, body, field, says
):
    customer = people.customer("ordinary")

    page = page_post(clerk_client, customer, body)
    api = api_post(people, customer, body)

    assert page.status_code == 400
    on_page = page.context["form"].errors[field]
    assert api.status_code == 400, api.content
    in_api = api.json()["details"][field]
    assert on_page == in_api
    assert says in on_page[0]
    assert not TransferRequest.objects.filter(customer=customer).exists()


@pytest.mark.parametrize(("body", "field", "says"), BAD)
def test_the_service_refuses_a_bad_format_too_in_the_same_words(people, body, field, says):
    customer = people.customer("ordinary")

    with pytest.raises(InvalidInput) as refused:
        services.transfer_request_create(customer=customer, actor=people.clerk, **body)

    assert says in refused.value.details["fields"][field]
    assert says in refused.value.message
    assert not TransferRequest.objects.filter(customer=customer).exists()


def test_a_good_seat_and_identity_number_are_kept_as_read_off_the_card(people, clerk_client):
    customer = people.customer("ordinary")

    response = page_post(
        clerk_client,
        customer,
        {**SZ, "sz_receiving_seat": " 077011 ", **AGENT, "agent_id_number": "31010119800101123x"},
    )

    assert response.status_code == 302
    req = TransferRequest.objects.get(customer=customer)
    assert req.sz_receiving_seat == "077011"
    assert req.agent_id_number == GOOD_ID  # the check character X in capitals
    assert req.agent_id_type == "resident_id"


def test_an_agent_with_a_passport_is_received(people):
    customer = people.customer("ordinary")

    created = api_post(
        people,
        customer,
        {**SZ, **AGENT, "agent_id_type": "passport", "agent_id_number": "E12345678"},
    )

    assert created.status_code == 201, created.content
    assert created.json()["agent_id_type"] == "passport"


def test_an_agent_cannot_identify_with_an_institutions_credit_code(people):
    customer = people.customer("ordinary")

    created = api_post(
        people,
        customer,
        {**SZ, **AGENT, "agent_id_type": "credit_code", "agent_id_number": "91350100M000100Y43"},
    )

    assert created.status_code == 400
    assert not TransferRequest.objects.filter(customer=customer).exists()


def test_the_seat_is_not_checked_when_no_custody_transfer_is_asked(people):
    customer = people.customer("ordinary")

    req = services.transfer_request_create(
        customer=customer, actor=people.clerk, wants_sh_revocation=True, sz_receiving_seat="abc"
    )

    assert req.sz_receiving_seat == ""


def test_the_page_allows_what_the_api_allows_in_length():
    form, api = TransferRequestForm(), TransferCreateSerializer()
    for name in ("sz_receiving_broker", "sz_receiving_seat", "agent_name", "agent_id_number"):
        assert form.fields[name].max_length == api.fields[name].max_length, name
