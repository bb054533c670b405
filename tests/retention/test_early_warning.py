"""Early warning (Art. 5–6): each rule fires on the right data, says why with its numbers,
and not on the wrong data; thresholds are the branch's; the scan is idempotent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from notifications.models import Notification
from retention.models import AtRiskFlag, DailyCustomerMetrics, RiskRule
from retention.selectors import at_risk_for
from retention.services import (
    MetricsRow,
    at_risk_scan,
    complaint_record,
    complaint_resolve,
    departure_reassign,
    metrics_load,
)
from tests.accounts.factories import StaffFactory
from tests.builders import daily_figures, defers, in_retention, page, refine

TODAY = dt.date(2026, 11, 25)


def flags(customer, rule=None):
    found = AtRiskFlag.objects.filter(customer=customer)
    return found.filter(rule=rule) if rule else found


def test_loading_figures_twice_changes_nothing_and_names_strangers(people, other_branch):
    customer = people.customer()
    rows = [MetricsRow(customer.fund_account, TODAY, Decimal("1000.00"), 2)]
    first = metrics_load(branch=people.branch, rows=rows)
    again = metrics_load(
        branch=people.branch,
        rows=[*rows, MetricsRow(other_branch.customer().fund_account, TODAY, Decimal(1), 0)],
    )
    assert (first.created, first.updated) == (1, 0)
    assert (again.created, again.updated) == (0, 1)
    assert len(again.unknown_accounts) == 1
    assert DailyCustomerMetrics.objects.count() == 1


def test_the_import_command_reads_a_csv(people, tmp_path, capsys):
    customer = people.customer()
    path = tmp_path / "metrics.csv"
    path.write_text(
        "fund_account,date,assets,trades_count\n"
        f'{customer.fund_account},2026-11-24,"1,200.50",3\n'
        f"{customer.fund_account},2026-11-25,1100,0\n",
        encoding="utf-8",
    )
    call_command("import_customer_metrics", str(path), "--branch", people.branch.code)
    assert "2 rows added" in capsys.readouterr().out
    assert DailyCustomerMetrics.objects.get(date="2026-11-24").assets == Decimal("1200.50")


def test_assets_falling_more_than_the_threshold_fires_with_its_numbers(people):
    falling, at_threshold, rising = (people.customer() for _ in range(3))
    daily_figures(falling, (dt.date(2026, 10, 26), "100000", 1), (TODAY, "60000", 1))
    daily_figures(at_threshold, (dt.date(2026, 10, 26), "100000", 1), (TODAY, "70000", 1))
    daily_figures(rising, (dt.date(2026, 10, 26), "100000", 1), (TODAY, "150000", 1))
    counts = at_risk_scan(branch=people.branch, business_date=TODAY)
    assert counts[RiskRule.ASSETS_DROP] == 1
    flag = flags(falling, RiskRule.ASSETS_DROP).get()
    assert flag.details["drop_percent"] == "40.0"
    assert flag.details["assets_before"] == "100000.00" and flag.details["assets_now"] == "60000.00"
    assert flag.explanation.startswith("Assets fell 40.0% in 30 days")
    assert not flags(at_threshold).exists() and not flags(rising).exists()


def test_the_threshold_is_the_branchs(people):
    customer = people.customer()
    daily_figures(customer, (dt.date(2026, 10, 26), "100000", 1), (TODAY, "80000", 1))
    at_risk_scan(branch=people.branch, business_date=TODAY)
    assert not flags(customer).exists()
    refine(people.branch, "warning.assets_drop_percent", "15")
    at_risk_scan(branch=people.branch, business_date=TODAY)
    assert flags(customer, RiskRule.ASSETS_DROP).get().details["threshold_percent"] == "15.0"


def test_no_trades_counts_trading_days_and_fires_only_past_the_threshold(people):
    idle, active = people.customer(), people.customer()
    daily_figures(idle, (dt.date(2026, 10, 27), "50000", 2), (TODAY, "50000", 0))
    daily_figures(active, (dt.date(2026, 10, 29), "50000", 2), (TODAY, "50000", 0))
    at_risk_scan(branch=people.branch, business_date=TODAY)
    flag = flags(idle, RiskRule.NO_TRADES).get()
    assert flag.details == {"last_trade_on": "2026-10-27", "idle_days": 21, "threshold": 20}
    assert not flags(active, RiskRule.NO_TRADES).exists()  # 19 trading days


def test_a_customer_who_never_traded_counts_their_first_day_as_one_without(people):
    idle, recent = people.customer(), people.customer()
    daily_figures(idle, (dt.date(2026, 10, 28), "50000", 0), (TODAY, "50000", 0))
    daily_figures(recent, (dt.date(2026, 10, 30), "50000", 0), (TODAY, "50000", 0))
    at_risk_scan(branch=people.branch, business_date=TODAY)
    assert flags(idle, RiskRule.NO_TRADES).get().details == {
        "last_trade_on": None,
        "since": "2026-10-28",
        "idle_days": 21,  # 20 trading days after the first, and the first
        "threshold": 20,
    }
    assert not flags(recent, RiskRule.NO_TRADES).exists()  # 18 and the first


def test_no_trades_across_national_day_counts_only_the_days_the_exchanges_opened(people):
    customer = people.customer()
    day = dt.date(2026, 10, 12)
    daily_figures(customer, (dt.date(2026, 9, 14), "50000", 1), (day, "50000", 0))
    refine(people.branch, "warning.idle_trading_days", "15")
    at_risk_scan(branch=people.branch, business_date=day)
    # 28 calendar days, but 14 trading days: Mid-Autumn (25 Sep) and 1–7 Oct were closed.
    assert not flags(customer).exists()
    refine(people.branch, "warning.idle_trading_days", "14")
    at_risk_scan(branch=people.branch, business_date=day)
    assert flags(customer, RiskRule.NO_TRADES).get().details["idle_days"] == 14


def test_a_departed_account_manager_flags_their_former_customers(people):
    departed = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    theirs = people.customer(account_manager=departed)
    others = people.customer()
    departure_reassign(departed=departed, actor=people.md, to_person=people.am)
    AtRiskFlag.objects.all().delete()  # what the scan finds on its own
    at_risk_scan(branch=people.branch, business_date=TODAY)
    assert flags(theirs, RiskRule.MANAGER_DEPARTED).get().details["taken_over_by"] == str(people.am)
    assert not flags(others).exists()
    # Outside the watch window, no more.
    at_risk_scan(branch=people.branch, business_date=TODAY + dt.timedelta(days=120))
    assert not flags(theirs).filter(business_date__gt=TODAY).exists()


def test_an_account_manager_switched_off_flags_their_customers(people):
    gone = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER], is_active=False)
    customer = people.customer(account_manager=gone)
    at_risk_scan(branch=people.branch, business_date=TODAY)
    assert flags(customer, RiskRule.MANAGER_DEPARTED).get().explanation == (
        "The account manager of record is no longer active."
    )


def test_an_open_complaint_fires_and_a_resolved_one_does_not(people):
    open_, resolved = people.customer(), people.customer()
    complaint_record(customer=open_, actor=people.clerk, summary="交易软件经常卡顿")
    done = complaint_record(customer=resolved, actor=people.clerk, summary="排队太久")
    complaint_resolve(complaint=done, actor=people.am, resolution="增开窗口")
    at_risk_scan(branch=people.branch, business_date=TODAY)
    flag = flags(open_, RiskRule.OPEN_COMPLAINT).get()
    assert flag.details["count"] == 1 and "交易软件经常卡顿" in flag.explanation
    assert not flags(resolved).exists()


def test_a_recent_deferral_fires_and_an_old_one_does_not(people, frozen_now):
    customer = people.customer()
    defers(people, in_retention(people, customer), dt.date(2026, 12, 9))
    at_risk_scan(branch=people.branch, business_date=TODAY)
    assert flags(customer, RiskRule.RECENT_DEFERRAL).get().details == {
        "deferred_on": "2026-11-25",
        "follow_up_on": "2026-12-09",
    }
    later = TODAY + dt.timedelta(days=91)
    at_risk_scan(branch=people.branch, business_date=later)
    assert not flags(customer).filter(business_date=later).exists()


def test_the_scan_is_idempotent_and_tells_each_manager_once(people):
    customer = people.customer()
    daily_figures(customer, (dt.date(2026, 10, 26), "100000", 1), (TODAY, "10000", 1))
    complaint_record(customer=customer, actor=people.am, summary="服务差")
    first = at_risk_scan(branch=people.branch, business_date=TODAY)
    second = at_risk_scan(branch=people.branch, business_date=TODAY)
    assert first == second
    assert first[RiskRule.ASSETS_DROP] == 1 and first[RiskRule.OPEN_COMPLAINT] == 1
    assert AtRiskFlag.objects.count() == 2
    told = Notification.objects.filter(recipient=people.am, subject__contains="newly at risk")
    assert told.count() == 1 and told.get().subject.startswith("1 of your customers")


def test_an_account_manager_sees_their_own_at_risk_customers_first(people, en_client):
    colleague = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER])
    theirs = people.customer(account_manager=colleague)
    mine = people.customer()
    for customer in (theirs, mine):
        complaint_record(customer=customer, actor=people.clerk, summary="投诉")
    daily_figures(theirs, (dt.date(2026, 10, 26), "100000", 1), (TODAY, "10000", 1))
    at_risk_scan(branch=people.branch, business_date=TODAY)

    listing = at_risk_for(branch=people.branch, user=people.am)
    assert [row.customer for row in listing.rows] == [mine, theirs]
    assert listing.mine[0].is_mine

    en_client.force_login(people.am)
    shown = page(en_client.get(reverse("retention_at_risk")))
    assert shown.index(mine.masked_name + '</a> <span class="mono small">' + mine.fund_account) < (
        shown.index(theirs.fund_account)
    )
    assert "My customers" in shown
    desk = page(en_client.get(reverse("retention_home")))
    assert mine.fund_account in desk and theirs.fund_account not in desk


@pytest.mark.parametrize("rule", list(RiskRule))
def test_every_rule_has_words(rule):
    assert AtRiskFlag(rule=rule, details={}).explanation
