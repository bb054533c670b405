"""Art. 12 names one charge, the custody-transfer fee: the Shanghai revocation and the closure
are free, in the schedule (the admin's form and the database refuse anything else) and in what
the services charge."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.builders import to_approved
from transfers import services
from transfers.fees import fee_lines
from transfers.models import FeeItem, FeeSchedule


@pytest.fixture
def en_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def fee_of(people, item) -> FeeSchedule:
    return FeeSchedule.objects.get(branch=people.branch, item=item)


def change_fee(client, fee: FeeSchedule, amount: str):
    return client.post(
        reverse("admin:transfers_feeschedule_change", args=[fee.pk]), {"amount": amount}
    )


@pytest.mark.parametrize(
    ("item", "says"),
    [(FeeItem.CLOSURE, "Closing a fund account costs"), (FeeItem.SH_REVOCATION, "is free")],
)
def test_the_admin_refuses_a_fee_for_what_is_free_with_a_form_error(people, en_client, item, says):
    en_client.force_login(people.gm)
    fee = fee_of(people, item)

    response = change_fee(en_client, fee, "10.00")

    assert response.status_code == 200  # the form again, not a 500
    errors = response.context["adminform"].form.errors["amount"]
    assert any(says in e for e in errors)
    assert fee_of(people, item).amount == Decimal("0.00")


def test_the_admin_changes_the_custody_transfer_fee(people, en_client):
    en_client.force_login(people.gm)
    fee = fee_of(people, FeeItem.SZ_TRANSFER)

    response = change_fee(en_client, fee, "45.50")

    assert response.status_code == 302
    assert fee_of(people, FeeItem.SZ_TRANSFER).amount == Decimal("45.50")


def test_the_admin_refuses_a_negative_fee_with_a_form_error(people, en_client):
    en_client.force_login(people.gm)

    response = change_fee(en_client, fee_of(people, FeeItem.SZ_TRANSFER), "-1.00")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["amount"]
    assert fee_of(people, FeeItem.SZ_TRANSFER).amount == Decimal("30.00")


def test_the_database_refuses_a_revocation_fee(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeSchedule.objects.filter(branch=people.branch, item=FeeItem.SH_REVOCATION).update(
            amount=Decimal("5.00")
        )


def test_a_revocation_and_a_closure_are_listed_at_nothing_beside_the_transfer_fee(people):
    customer = people.customer("ordinary", sh_designated_here=True)
    req = to_approved(
        people,
        customer,
        wants_sz_transfer=True,
        sz_receiving_broker="某证券",
        sz_receiving_seat="123456",
        wants_sh_revocation=True,
    )

    lines = {line.item: line.amount for line in fee_lines(req)}

    assert lines == {FeeItem.SZ_TRANSFER: Decimal("30.00"), FeeItem.SH_REVOCATION: Decimal("0")}
    assert services.fee_for(req) == Decimal("30.00")


def test_a_revocation_alone_costs_nothing(people):
    customer = people.customer("ordinary", sh_designated_here=True)
    req = to_approved(people, customer, wants_sh_revocation=True)

    processing = services.transfer_start_processing(request=req, actor=people.clerk)

    assert processing.fee_amount == Decimal("0.00")
