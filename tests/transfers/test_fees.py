"""Art. 12 names one charge, the custody-transfer fee: the Shanghai revocation and the closure
are free, in every version of the firm's norm and in what the services charge."""

from decimal import Decimal

import pytest
from django.utils import translation

from accounts.norm.models import NormVersion
from accounts.norm.resolve import rule_set
from accounts.norm.services import norm_publish, refinement_propose
from kernel.errors import InvalidInput
from tests.builders import to_approved
from transfers import services
from transfers.fees import fee_lines
from transfers.models import FeeItem


@pytest.mark.parametrize("item", [FeeItem.CLOSURE, FeeItem.SH_REVOCATION])
def test_no_version_of_the_norm_charges_for_what_is_free(hq_marketing, item):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        norm_publish(actor=hq_marketing, values={f"fee.{item}": "10"}, why="try")
    assert "Art. 12" in refused.value.message
    assert NormVersion.objects.count() == 1


def test_a_branch_may_charge_less_than_the_norm_never_more(people):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        refinement_propose(
            actor=people.gm, branch=people.branch, rule="fee.sz_transfer", value="45", why="x"
        )
    assert "Art. 12" in refused.value.message and "Art. 35" in refused.value.message
    refinement_propose(
        actor=people.gm, branch=people.branch, rule="fee.sz_transfer", value="20", why="x"
    )
    assert rule_set(people.branch.pk)["fee.sz_transfer"] == Decimal("20")


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
