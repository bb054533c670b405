"""The benchmark measures the at-risk scan against one INSERT … SELECT. The ratio only
means something if both make the same flags: this holds them to it, figures included, on
data where every rule fires and where each rule's near miss does not."""

import datetime as dt

import pytest

from accounts.roles import Role
from devtools.bench.at_risk_reference import at_risk_reference_sql
from retention.models import AtRiskFlag, RiskRule
from retention.services import (
    at_risk_scan,
    complaint_record,
    complaint_resolve,
    departure_reassign,
)
from tests.accounts.factories import StaffFactory
from tests.builders import daily_figures, defers, departed, in_retention, refine
from transfers.models import TransferRequest

pytestmark = pytest.mark.postgres_only

TODAY = dt.date(2026, 11, 25)
D = dt.date


def flagged():
    return sorted(AtRiskFlag.objects.values_list("customer_id", "rule", "details"))


def test_reference_sql_flags_the_same_customers_with_the_same_figures(people, frozen_now):
    c = people.customer
    refine(people.branch, "warning.assets_drop_percent", "25")  # the branch's, stricter
    daily_figures(c(), (D(2026, 10, 26), "100000", 1), (TODAY, "60000.55", 1))  # fell 40.0%
    daily_figures(c(), (D(2026, 10, 26), "100000", 1), (TODAY, "75000", 1))  # exactly 25%: no
    daily_figures(c(), (D(2026, 10, 20), "3", 1), (D(2026, 11, 2), "1", 1))  # 66.7%, by 2 Nov
    daily_figures(c(), (D(2026, 10, 26), "0", 1), (TODAY, "0", 1))  # nothing to fall from
    daily_figures(c(), (D(2026, 10, 27), "50000", 2), (TODAY, "50000", 0))  # 21 trading days idle
    daily_figures(c(), (D(2026, 10, 29), "50000", 2), (TODAY, "50000", 0))  # 19: no
    daily_figures(c(), (D(2026, 10, 28), "50000", 0), (TODAY, "50000", 0))  # never traded: 21
    daily_figures(c(), (D(2026, 10, 30), "50000", 0), (TODAY, "50000", 0))  # never traded: 19
    closed = c()
    daily_figures(closed, (D(2026, 10, 26), "100000", 0), (TODAY, "1000", 0))
    TransferRequest.objects.filter(pk=departed(people, closed, on=D(2026, 11, 2)).pk).update(
        wants_closure=True
    )

    gone = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    c(account_manager=gone)
    departure_reassign(departed=gone, actor=people.md, to_person=people.am)
    switched_off = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    c(account_manager=switched_off)
    switched_off.is_active = False
    switched_off.save()

    complaining = c()
    frozen_now.move_to(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC))
    complaint_record(customer=complaining, actor=people.clerk, summary="排队太久")
    frozen_now.move_to(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC))
    complaint_record(customer=complaining, actor=people.clerk, summary="交易软件经常卡顿")
    done = complaint_record(customer=c(), actor=people.clerk, summary="态度差")
    complaint_resolve(complaint=done, actor=people.am, resolution="已致歉")
    defers(people, in_retention(people, c()), D(2026, 12, 9))

    at_risk_scan(branch=people.branch, business_date=TODAY)
    scan = flagged()
    AtRiskFlag.objects.all().delete()

    inserted = at_risk_reference_sql(people.branch, TODAY)

    assert sorted(rule for _c, rule, _d in scan) == sorted(
        [*RiskRule, RiskRule.ASSETS_DROP, RiskRule.NO_TRADES, RiskRule.MANAGER_DEPARTED]
    )
    assert inserted == len(scan)
    assert flagged() == scan
