"""Retention demo data on top of `seed_demo`: a year of churn history for the monthly
analysis, promises (one overdue), a pending low commission rate, a complaint, a service
team, daily figures that make the early warning fire, and last month's report.

The history is made by running the real services at past dates (time-machine, a dev
dependency that `make run` installs), so audit trails, memos and receipts are as the
counter would have left them. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from accounts.models import Branch, Customer, Staff
from core_system.models import CoreAccountState
from devtools.management.demo_command import DemoCommand
from kernel.calendar import TradingCalendar, beijing_today
from retention import services as retention
from retention.models import (
    DailyCustomerMetrics,
    ServiceTeam,
)
from retention.selectors import playbook_current
from retention.selectors.analysis import add_months
from transfers import services as transfers
from transfers.models import ChurnReason, TransferRequest, required_documents
from transfers.services.processing import required_retained

BEIJING = ZoneInfo("Asia/Shanghai")
SEED = 20261201
PREFIX = "6610"  # the fund accounts of the demo's history customers
TRADING_PASSWORD = "135790"
REASONS = [
    "moved_away",
    "moved_away",
    "commission",
    "commission",
    "competition",
    "staff_attitude",
    "equipment",
    "research",
    "products",
    "staff_left",
]
BROKERS = ["示例证券深圳科技园营业部", "某某证券福田营业部", "另一证券罗湖营业部"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


class Command(DemoCommand):
    creates = "a year of made-up retention history for the demo branch"
    help = "Add retention demo data (history, promises, warnings) to the demo branch."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--branch", default="SZ001")

    def handle(self, *args: object, **options: object) -> None:
        branch = Branch.objects.filter(code=options["branch"]).first()
        if branch is None:
            raise CommandError("run `manage.py seed_demo` first")
        staff = {s.username: s for s in Staff.objects.filter(branch=branch)}
        self.rng = random.Random(SEED)
        self.password_hash = make_password(TRADING_PASSWORD)  # one hash: hashing is slow
        self.today = beijing_today()
        self.calendar = TradingCalendar()
        with translation.override(settings.LANGUAGE_CODE):
            self._configuration(branch, staff)
            if Customer.objects.filter(fund_account__startswith=PREFIX).exists():
                self.stdout.write("retention demo history already there")
            else:
                self._history(branch, staff)
                self._promises(branch, staff)
                self._warnings(branch, staff)
            first_of_month = self.today.replace(day=1)
            retention.monthly_report_prepare(branch=branch, month=add_months(first_of_month, -1))
            # Tonight's scan, as the scheduler would run it (also on a weekend, for the demo).
            retention.at_risk_scan(branch=branch, business_date=self.today)
        self.stdout.write("retention demo ready: /retention/ and /retention/analysis/")

    # -- configuration ------------------------------------------------------------------

    def _configuration(self, branch: Branch, staff: dict[str, Staff]) -> None:
        team, created = ServiceTeam.objects.get_or_create(
            branch=branch, name="VIP客户服务小组", defaults={"lead": staff["manager"]}
        )
        if created:
            team.members.add(staff["manager"], staff["manager2"])

    # -- a year of history ----------------------------------------------------------------

    def _customer(self, branch: Branch, n: int, manager: Staff, assets: Decimal) -> Customer:
        name = self.rng.choice(SURNAMES) + self.rng.choice("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超")
        customer = Customer.objects.create(
            branch=branch,
            name=name,
            id_number=f"44030419{self.rng.randint(60, 99)}0101{n:04d}",
            phone=f"137{self.rng.randint(10000000, 99999999)}",
            fund_account=f"{PREFIX}{n:06d}",
            sh_account=f"A6{n:08d}",
            sh_designated_here=True,
            sz_account=f"06{n:08d}",
            account_manager=manager,
            assets=assets,
            annual_volume=assets * 8,
        )
        CoreAccountState.objects.create(
            customer=customer,
            as_of=self.today,
            interest_settled=True,
            trading_password_hash=self.password_hash,
        )
        return customer

    def _at(self, day: dt.date, hour: int) -> Any:
        import time_machine

        return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING))

    def _history(self, branch: Branch, staff: dict[str, Staff]) -> None:
        try:
            import time_machine  # noqa: F401
        except ImportError:
            self.stdout.write("time-machine is not installed (`pip install -e .[dev]`): no history")
            return
        managers = [staff["manager"], staff["manager2"], staff["manager3"]]
        first = add_months(self.today.replace(day=1), -11)
        n = 0
        for offset in range(12):
            month = add_months(first, offset)
            days = [
                month + dt.timedelta(days=d)
                for d in range(28)
                if self.calendar.is_trading_day(month + dt.timedelta(days=d))
                and month + dt.timedelta(days=d) < self.today
            ]
            for _i in range(self.rng.randint(4, 8) if days else 0):
                n += 1
                day = self.rng.choice(days)
                manager = self.rng.choice(managers)
                tier_assets = self.rng.choice(["80000", "150000", "320000", "900000", "1800000"])
                customer = self._customer(branch, n, manager, Decimal(tier_assets))
                with self._at(day, 10):
                    self._decide(customer, staff, day)

    def _decide(self, customer: Customer, staff: dict[str, Staff], day: dt.date) -> None:
        clerk = staff["clerk"]
        req = transfers.transfer_request_create(
            customer=customer,
            actor=clerk,
            wants_sz_transfer=True,
            sz_receiving_broker=self.rng.choice(BROKERS),
            sz_receiving_seat="077011",
        )
        kinds = required_documents(customer_kind=customer.kind, by_agent=False)
        transfers.transfer_documents_verify(request=req, actor=clerk, checked=kinds)
        reason = ChurnReason.objects.get(code=self.rng.choice(REASONS))
        transfers.transfer_reason_record(request=req, actor=clerk, primary_reason=reason)
        playbook = playbook_current(reason=reason, branch=customer.branch)
        steps = list(playbook.steps.all()) if playbook else []
        ticked = self.rng.sample(steps, k=min(len(steps), self.rng.randint(1, 3)))
        if playbook is not None:
            retention.attempt_record(
                request=req,
                actor=clerk,
                playbook=playbook,
                steps_done=[s.pk for s in ticked],
                customer_answer=self.rng.choice(["会考虑", "还是要转", "先试试看", "价格是关键"]),
            )
        # Showing remote trading to someone who moved, or agreeing a rate, keeps more often.
        stays = self.rng.random() < (0.55 if len(ticked) >= 2 else 0.3)
        if stays:
            transfers.transfer_customer_stays(request=req, actor=clerk, comment="客户决定留下")
            return
        transfers.transfer_go_on(request=req, actor=clerk)
        req = TransferRequest.objects.get(pk=req.pk)
        assert customer.account_manager is not None
        approvers = [staff["lead"], customer.account_manager]
        if customer.approval_tier != "ordinary":
            approvers.append(staff["director"])
        if customer.approval_tier == "core":
            approvers.append(staff["gm"])
        for approver in approvers:
            transfers.transfer_approve(request=req, actor=approver)
        transfers.transfer_start_processing(request=req, actor=clerk)
        transfers.transfer_confirm_password(request=req, actor=clerk, password=TRADING_PASSWORD)
        transfers.transfer_complete(
            request=req, actor=clerk, retained=[str(k) for k in required_retained(req)]
        )

    # -- promises, a low rate, a complaint -------------------------------------------------

    def _promises(self, branch: Branch, staff: dict[str, Staff]) -> None:
        customers = list(
            Customer.objects.filter(branch=branch, account_manager=staff["manager"])
            .exclude(fund_account__startswith=PREFIX)
            .order_by("pk")[:6]
        )
        if len(customers) < 4:
            return
        ten_days_ago = self.calendar.previous_trading_day(self.today - dt.timedelta(days=12))
        try:
            with self._at(ten_days_ago, 11):
                retention.commitment_create(
                    customer=customers[0],
                    actor=staff["clerk"],
                    what="三个交易日内检修VIP室二号交易终端",
                    within_trading_days=3,
                )
        except ImportError:
            pass
        retention.commitment_create(
            customer=customers[1],
            actor=staff["clerk"],
            what="一周内为客户开通网上交易并上门演示",
            within_trading_days=5,
        )
        kept = retention.commitment_create(
            customer=customers[2],
            actor=staff["clerk"],
            what="寄送本月研究报告",
            within_trading_days=2,
        )
        retention.commitment_keep(
            commitment=kept, actor=staff["manager"], evidence="已邮寄，快递单号SF123"
        )
        retention.complaint_record(
            customer=customers[3], actor=staff["clerk"], summary="交易软件高峰期经常卡顿"
        )
        retention.commission_agree(
            customer=customers[1],
            actor=staff["manager"],
            rate=Decimal("0.000200"),
            note="客户称他行报价万二",
        )

    # -- daily figures for the early warning --------------------------------------------------

    def _warnings(self, branch: Branch, staff: dict[str, Staff]) -> None:
        customers = list(
            Customer.objects.filter(branch=branch, account_manager=staff["manager"])
            .exclude(fund_account__startswith=PREFIX)
            .order_by("pk")[6:18]
        )
        end = self._last_trading_day()
        days = []
        day = end - dt.timedelta(days=45)
        while day <= end:
            if self.calendar.is_trading_day(day):
                days.append(day)
            day += dt.timedelta(days=1)
        rows = []
        for i, customer in enumerate(customers):
            start = customer.assets or Decimal("100000")
            for j, d in enumerate(days):
                if i % 4 == 0:  # falling assets
                    assets = start * (Decimal(1) - Decimal(j) / Decimal(len(days)) * Decimal("0.6"))
                else:
                    assets = start * Decimal(self.rng.uniform(0.95, 1.05))
                trades = 0 if i % 4 == 1 else self.rng.randint(0, 3)
                rows.append(
                    retention.MetricsRow(
                        customer.fund_account, d, assets.quantize(Decimal("0.01")), trades
                    )
                )
        retention.metrics_load(branch=branch, rows=rows)
        assert DailyCustomerMetrics.objects.exists()

    def _last_trading_day(self) -> dt.date:
        return (
            self.calendar.current_or_next_trading_day(self.today)
            if self.calendar.is_trading_day(self.today)
            else self.calendar.previous_trading_day(self.today)
        )
