"""The head-office bench's generator (PostgreSQL: it loads with COPY): the events it writes
are the ones the monthly computation counts, in the volumes it says."""

import datetime as dt

import pytest
from django.db import connection

from devtools.bench.headoffice import FirmVolumes, generate
from headoffice.models import BranchMonthFigures
from headoffice.services import branch_month_figures_compute
from retention.models import MemoOutcome, WorkMemo
from retention.selectors import monthly_figures
from tests import dbroles

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bench loads with PostgreSQL's COPY"
)

TODAY, NOVEMBER = dt.date(2026, 12, 1), dt.date(2026, 11, 1)


@pytest.mark.skipif(
    bool(dbroles.APP_ROLE),
    reason="the bench loads as the tables' owner (it sets sequences after COPY), as make bench",
)
def test_the_generated_month_is_what_the_figures_count(db):
    vol = FirmVolumes(customers=240_000, branches=3, months=2)  # 600 leave a month
    gen = generate(vol=vol, today=TODAY, last=NOVEMBER, say=lambda _line: None)
    assert gen.rows["customers"] == 3 * 100
    assert generate(vol=vol, today=TODAY, last=NOVEMBER, say=lambda _line: None).reused

    assert branch_month_figures_compute(month=NOVEMBER, today=TODAY) == 3
    rows = BranchMonthFigures.objects.filter(month=NOVEMBER, branch__code__startswith="BH")
    left = WorkMemo.objects.filter(
        outcome=MemoOutcome.LEFT, left_on__gte=NOVEMBER, left_on__lt=TODAY
    ).count()
    assert sum(r.churn_count for r in rows) == left
    assert 450 < left < 750
    for row in rows:
        f = monthly_figures(branch=row.branch, month=NOVEMBER)
        assert (row.churn_count, row.decided, row.stayed) == (
            f["churn"]["count"],
            f["retention"]["decided"],
            f["retention"]["stayed"],
        )
    # Who stayed, the revisits, the late and the phone sign-offs are all there to count.
    assert sum(r.stayed for r in rows) > 0
    assert sum(r.revisits_due for r in rows) > 0
    assert sum(r.late_requests for r in rows) > 0
    assert sum(r.commitments_due for r in rows) > 0
