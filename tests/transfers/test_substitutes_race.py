"""Two substitutes named for the same approver, step and days at the same moment: the
approver's row lock lets one through; the other hears of the overlap (PostgreSQL only)."""

import datetime as dt

import pytest

from kernel.errors import Conflict
from tests.builders import make_branch
from tests.concurrency import all_at_once
from transfers import services
from transfers.models import Substitution

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_overlapping_substitutes_named_at_once_give_one_and_one_clear_refusal():
    people = make_branch("SH01")

    def naming(substitute):
        return lambda: services.substitution_create(
            actor=people.gm,
            absent=people.md,
            substitute=substitute,
            steps=["marketing_director"],
            starts_on=dt.date(2026, 11, 25),
            ends_on=dt.date(2026, 11, 27),
        )

    outcomes = all_at_once([naming(people.gm), naming(people.gm)])
    errors = [error for _made, error in outcomes if error is not None]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), outcomes
    assert "already has a substitute" in errors[0].message
    assert Substitution.objects.count() == 1
