"""Demo data for `make run`: one branch a new user can walk through with the demo accounts,
two smaller ones beside it (so the head office has branches to look across), and the head
office's people, who belong to no branch.

Idempotent: a second run adds nothing and changes nothing, except that the demo dates tied
to "today" (orders placed today, appointments booked today) follow the calendar so the demo
still shows them on a later day. Every name, number and phone here is made up from a fixed
random seed; the requests are driven through the transfer services so their audit trail is
the real one.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.db import transaction
from django.utils import translation

from accounts.demo_accounts import DEMO_PASSWORD
from accounts.models import Branch, Customer, CustomerKind, IdType, Staff, Tier
from accounts.norm.models import Refinement
from accounts.norm.services import refinement_propose
from accounts.roles import Role
from accounts.services import roles_sync
from core_system.models import CoreAccountState
from devtools.management.demo_command import DemoCommand
from headoffice.models import AlertSign
from headoffice.services import branch_alerts_raise, branch_month_figures_compute
from headoffice.thresholds import ALERT_THRESHOLDS
from jobs.models import JobTrigger
from jobs.registry import job_run
from kernel.calendar import BEIJING, TradingCalendar, beijing_today, calendar_provisional_years
from retention.jobs import previous_month
from transfers import approval_rules, services
from transfers.models import (
    Appointment,
    ApprovalStep,
    ChurnReason,
    TransferRequest,
    required_documents,
)
from transfers.services.processing import required_retained

DIRECTORS = {ApprovalStep.MARKETING_DIRECTOR: "director", ApprovalStep.GENERAL_MANAGER: "gm"}

# Demo only: documented in the README, never used outside a laptop (production refuses it,
# accounts/checks.py).
DEMO_TRADING_PASSWORD = "135790"

SEED = 20261128
BRANCH_CODE = "SZ001"
BRANCH_NAME = "鹏程证券深圳福华路营业部"
# The main branch's refinement of the firm's norm (Art. 35), for the README's walk: it
# contacts a customer three trading days before a promise falls due, where the norm says two.
REFINEMENTS = [
    ("revisit.commitment", "3", "本营业部承诺事项提前三个交易日联系客户，留出准备时间。"),
]
RECEIVING_BROKER = ("示例证券深圳科技园营业部", "077011")

# username, display name, role: the main branch's staff
STAFF = [
    ("clerk", "刘一（柜员）", Role.COUNTER_CLERK),
    ("lead", "陈二（柜面负责人）", Role.COUNTER_LEAD),
    ("manager", "张三（客户经理）", Role.ACCOUNT_MANAGER),
    ("manager2", "李四（客户经理）", Role.ACCOUNT_MANAGER),
    ("manager3", "王五（客户经理）", Role.ACCOUNT_MANAGER),
    ("director", "赵六（营销总监）", Role.MARKETING_DIRECTOR),
    ("gm", "钱七（总经理）", Role.GENERAL_MANAGER),
    ("archivist", "孙八（档案管理员）", Role.ARCHIVIST),
    ("head", "周九（公司负责人）", Role.COMPANY_HEAD),
    ("auditor", "吴十（稽核）", Role.AUDITOR),
]
# The head office: no branch (accounts/roles.placement_refusal). The calendar is one for
# every branch, so its keeper is the head office's too.
HEAD_OFFICE_STAFF = [
    ("keeper", "郑十一（交易日历维护员）", Role.CALENDAR_KEEPER),
    ("hq_marketing", "冯十二（总部营销管理）", Role.HQ_MARKETING),
    ("hq_compliance", "褚十三（总部合规）", Role.HQ_COMPLIANCE),
]


@dataclass(frozen=True)
class DemoBranch:
    """One demo branch: its customers are made by build_specs from these sizes, its fund
    accounts numbered 66{index:02d}000001 onwards. The main branch is the README's walk."""

    index: int
    code: str
    name: str
    staff: tuple[tuple[str, str, str, Role], ...]  # key the seeder uses, username, name, role
    totals: dict[str, int]
    showcase: tuple[Spec, ...]
    blocked_each: int
    closure_unmet: int
    appointments_ready: int
    appointments_today: int
    managers: tuple[str, ...]
    phone_prefix: str
    office_phone_prefix: str
    city: str

    def fund_account(self, number: int) -> str:
        return f"66{self.index:02d}{number:06d}"


def _branch_staff(prefix: str, names: dict[str, str]) -> tuple[tuple[str, str, str, Role], ...]:
    roles = {
        "clerk": Role.COUNTER_CLERK,
        "lead": Role.COUNTER_LEAD,
        "manager": Role.ACCOUNT_MANAGER,
        "director": Role.MARKETING_DIRECTOR,
        "gm": Role.GENERAL_MANAGER,
    }
    return tuple((key, f"{prefix}_{key}", names[key], role) for key, role in roles.items())


TIER_NAMES = {Tier.ORDINARY: "普通", Tier.IMPORTANT: "重要", Tier.CORE: "核心"}
INSTITUTION = "institution"  # a "tier" for the generator: institutions are routed as core
TOTALS = {Tier.ORDINARY: 220, Tier.IMPORTANT: 45, Tier.CORE: 15, INSTITUTION: 20}

# The six Art. 16 conditions, as the core system's export records them.
BLOCKING: dict[str, dict[str, Any]] = {
    "orders_today": {},  # last_order_date = today, set when the state is written
    "bond_repo_open": {"open_bond_repo": True},
    "repo_registration": {"repo_registration_open": True},
    "ipo_frozen": {"ipo_funds_frozen": True},
    "agreement_unfulfilled": {"unfulfilled_agreement": "约定购回式证券交易协议尚未到期"},
    "clearing_house_hold": {"clearing_house_hold": "中国结算深圳分公司：证券司法冻结未解除"},
}
CLOSURE_UNMET: dict[str, Any] = {"interest_settled": False, "cash_balance": Decimal("1268.45")}
RANDOM_BLOCKED_EACH = 4
RANDOM_CLOSURE_UNMET = 20
RANDOM_APPOINTMENTS_READY = 4
RANDOM_APPOINTMENTS_TODAY = 2


@dataclass
class Spec:
    """One demo customer before it is written."""

    tier: str
    note: str = ""
    blocking: tuple[str, ...] = ()
    closure_unmet: bool = False
    appointment: str = ""  # "ready" (booked the trading day before) or "today"
    request: str = ""  # the state a demo request is driven to
    manager: str = "manager"
    fund_account: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


# The customers the README's walk-through names; fund accounts 6600000001 onwards.
SHOWCASE = [
    Spec(Tier.ORDINARY, "普通客户，无阻断：深圳转托管演示"),
    Spec(Tier.ORDINARY, "普通客户，无阻断：转托管+撤指定+销户演示"),
    Spec(Tier.ORDINARY, "当日有委托", blocking=("orders_today",)),
    Spec(Tier.ORDINARY, "国债回购未到期", blocking=("bond_repo_open",)),
    Spec(Tier.ORDINARY, "回购登记未撤销", blocking=("repo_registration",)),
    Spec(Tier.ORDINARY, "新股申购资金冻结", blocking=("ipo_frozen",)),
    Spec(Tier.ORDINARY, "与营业部协议未履行", blocking=("agreement_unfulfilled",)),
    Spec(Tier.ORDINARY, "中国结算限制", blocking=("clearing_house_hold",)),
    Spec(
        Tier.ORDINARY,
        "多项阻断同时存在",
        blocking=("orders_today", "bond_repo_open", "ipo_frozen"),
    ),
    Spec(Tier.ORDINARY, "销户条件未满足（利息未结、资金未取）", closure_unmet=True),
    Spec(Tier.IMPORTANT, "重要客户，无阻断：营销总监审批演示"),
    Spec(Tier.CORE, "核心客户，上一交易日已预约：今日可办理", appointment="ready"),
    Spec(Tier.CORE, "核心客户，今日才预约：今日不能办理", appointment="today"),
    Spec(INSTITUTION, "机构客户，上一交易日已预约：今日可办理", appointment="ready"),
    Spec(INSTITUTION, "机构客户，今日才预约：今日不能办理", appointment="today"),
    Spec(Tier.CORE, "核心客户，未预约：柜台拒绝并给出最早日期"),
    Spec(Tier.ORDINARY, "演示申请：待审批（柜面已批，待客户经理）", request="awaiting_approval"),
    Spec(Tier.ORDINARY, "演示申请：已审批", request="approved"),
    Spec(Tier.ORDINARY, "演示申请：被阻断", blocking=("bond_repo_open",), request="blocked"),
    Spec(Tier.ORDINARY, "演示申请：已办结", request="completed"),
    Spec(Tier.ORDINARY, "演示申请：暂缓办理", request="deferred"),
    Spec(Tier.IMPORTANT, "演示申请：待营销总监审批（柜面电话审批待补签）", request="awaiting_md"),
    # Departures of this week: their first revisit falls due before the week ends (Art. 31).
    Spec(Tier.IMPORTANT, "本周转出的重要客户：本周内回访", request="completed"),
    Spec(
        INSTITUTION,
        "本周转出的机构客户：本周内回访，每年上门",
        appointment="ready",
        request="completed",
    ),
    # The director's week (Art. 17): one approval of theirs to recall, and three given by
    # phone while out, recorded by the counter, to sign off in one sitting.
    Spec(Tier.IMPORTANT, "演示申请：营销总监已审批（可撤回审批）", request="approved"),
    *(
        Spec(Tier.IMPORTANT, "演示申请：营销总监电话审批，待补签", request="director_by_phone")
        for _i in range(3)
    ),
]

# The main branch: the README's walk, every showcase customer, 300 customers in all.
MAIN_BRANCH = DemoBranch(
    index=0,
    code=BRANCH_CODE,
    name=BRANCH_NAME,
    staff=tuple((u, u, n, r) for u, n, r in STAFF),
    totals=TOTALS,
    showcase=tuple(SHOWCASE),
    blocked_each=RANDOM_BLOCKED_EACH,
    closure_unmet=RANDOM_CLOSURE_UNMET,
    appointments_ready=RANDOM_APPOINTMENTS_READY,
    appointments_today=RANDOM_APPOINTMENTS_TODAY,
    managers=("manager", "manager", "manager2", "manager3"),
    phone_prefix="1380000",
    office_phone_prefix="0755-2000",
    city="深圳市",
)
# Two smaller branches, a few requests each: enough for the head office to compare branches,
# small enough that `make run` stays quick.
_SMALL_TOTALS = {Tier.ORDINARY: 30, Tier.IMPORTANT: 6, Tier.CORE: 2, INSTITUTION: 2}
_SMALL_SHOWCASE = (
    Spec(Tier.ORDINARY, "演示申请：待审批", request="awaiting_approval"),
    Spec(Tier.ORDINARY, "演示申请：已审批", request="approved"),
    Spec(Tier.ORDINARY, "演示申请：已办结", request="completed"),
    Spec(Tier.ORDINARY, "演示申请：暂缓办理", request="deferred"),
)


def _small_branch(
    index: int,
    code: str,
    name: str,
    city: str,
    prefix: str,
    names: dict[str, str],
    phones: tuple[str, str],
    extra: tuple[Spec, ...] = (),
) -> DemoBranch:
    """A smaller demo branch beside the main one: the same make-up, its own people and
    numbers (phones: the customers' mobile prefix and the branch's office prefix), and
    `extra` showcase customers of its own."""
    return DemoBranch(
        index=index,
        code=code,
        name=name,
        staff=_branch_staff(prefix, names),
        totals=_SMALL_TOTALS,
        showcase=_SMALL_SHOWCASE + extra,
        blocked_each=1,
        closure_unmet=3,
        appointments_ready=1,
        appointments_today=1,
        managers=("manager",),
        phone_prefix=phones[0],
        office_phone_prefix=phones[1],
        city=city,
    )


EXTRA_BRANCHES = (
    _small_branch(
        1,
        "BJ002",
        "鹏程证券北京金融街营业部",
        "北京市",
        "bj",
        {
            "clerk": "卫一（柜员）",
            "lead": "蒋二（柜面负责人）",
            "manager": "沈三（客户经理）",
            "director": "韩四（营销总监）",
            "gm": "杨五（总经理）",
        },
        ("1390100", "010-6000"),
        # The head office's alerts (headoffice/signs.py): enough customers asked twice last
        # month to defer for the same reason that head-office compliance is told.
        extra=tuple(
            Spec(Tier.ORDINARY, "上月同一原因两次暂缓办理：总部合规预警", request="deferred_twice")
            for _i in range(ALERT_THRESHOLDS[AlertSign.REPEAT_DEFERRAL])
        ),
    ),
    _small_branch(
        2,
        "SH003",
        "鹏程证券上海陆家嘴营业部",
        "上海市",
        "sh",
        {
            "clerk": "朱一（柜员）",
            "lead": "秦二（柜面负责人）",
            "manager": "尤三（客户经理）",
            "director": "许四（营销总监）",
            "gm": "何五（总经理）",
        },
        ("1390210", "021-5000"),
        # The head office's console drills from "requests past two trading days" last month
        # to this one (CSDC 2018; Order 204).
        extra=(
            Spec(
                Tier.ORDINARY,
                "上月转托管超过两个交易日办结：总部可下钻查看",
                request="completed_late",
            ),
        ),
    ),
)
DEMO_BRANCHES = (MAIN_BRANCH, *EXTRA_BRANCHES)


def demo_usernames() -> set[str]:
    """Every staff account the seeder makes, each with the published password."""
    return {u for b in DEMO_BRANCHES for _k, u, _n, _r in b.staff} | {
        u for u, _n, _r in HEAD_OFFICE_STAFF
    }


SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
NUMERALS = "一二三四五六七八九十"
NAME_MIDDLES = ("", "小", "大", "老")
COMPANY_WORDS = ("示例", "演示", "样板", "模拟", "范例")
COMPANY_TRADES = ("科技", "投资", "贸易", "实业", "资产管理", "私募基金管理")
SHENZHEN_DISTRICTS = ("440303", "440304", "440305", "440306", "440307", "440308")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_id(rng: random.Random) -> str:
    """18 characters with a valid GB 11643 check digit; birth dates and districts are drawn
    at random, so no number is anyone's on purpose."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
    body = f"{rng.choice(SHENZHEN_DISTRICTS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def credit_code(rng: random.Random) -> str:
    """A unified social credit code (GB 32100): 91 (an enterprise registered with market
    regulation), a Shenzhen area code, an organisation code, and the check character."""
    org = "".join(str(rng.randrange(10)) for _i in range(8))
    org_check = 11 - sum(int(d) * w for d, w in zip(org, _ORG_WEIGHTS, strict=True)) % 11
    org += {10: "X", 11: "0"}.get(org_check, str(org_check))
    body = "91440300" + org
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    """Log-uniform, so most accounts sit near the low end as they do in a branch."""
    value = low * (high / low) ** rng.random()
    return Decimal(f"{value:.2f}")


def _amounts(rng: random.Random, tier: str) -> tuple[Decimal, Decimal]:
    """Assets and annual volume that put the customer in `tier` under the norm's Art. 17
    thresholds (500,000 / 5,000,000 assets)."""
    if tier == Tier.ORDINARY:
        return _money(rng, 2_000, 450_000), _money(rng, 10_000, 9_000_000)
    if tier == Tier.IMPORTANT:
        return _money(rng, 550_000, 4_500_000), _money(rng, 1_000_000, 90_000_000)
    if tier == Tier.CORE:
        return _money(rng, 5_500_000, 60_000_000), _money(rng, 50_000_000, 600_000_000)
    return _money(rng, 1_000_000, 200_000_000), _money(rng, 10_000_000, 1_000_000_000)


def build_specs(branch: DemoBranch | None = None) -> list[Spec]:
    """Every demo customer of `branch` (the main one by default), the same on every run."""
    branch = branch or MAIN_BRANCH
    rng = random.Random(SEED + 100 * branch.index)
    remaining = Counter(branch.totals)
    for spec in branch.showcase:
        remaining[spec.tier] -= 1
    others = [Spec(tier) for tier, count in remaining.items() for _i in range(count)]
    rng.shuffle(others)
    for spec in others:
        spec.manager = rng.choice(branch.managers)
    plain = [s for s in others if s.tier == Tier.ORDINARY]
    picks = iter(rng.sample(plain, branch.blocked_each * len(BLOCKING) + branch.closure_unmet))
    for code in BLOCKING:
        for _i in range(branch.blocked_each):
            next(picks).blocking = (code,)
    for spec in picks:
        spec.closure_unmet = True
    served = [s for s in others if s.tier in (Tier.CORE, INSTITUTION)]
    chosen = rng.sample(served, branch.appointments_ready + branch.appointments_today)
    for i, spec in enumerate(chosen):
        spec.appointment = "ready" if i < branch.appointments_ready else "today"

    specs = [*(Spec(**vars(s)) for s in branch.showcase), *others]
    names = iter(
        rng.sample(
            [f"{s}{m}{n}" for s in SURNAMES for m in NAME_MIDDLES for n in NUMERALS],
            len(specs),
        )
    )
    companies = iter(
        rng.sample(
            [f"{branch.city}{w}{t}有限公司" for w in COMPANY_WORDS for t in COMPANY_TRADES],
            branch.totals[INSTITUTION],
        )
    )
    for number, spec in enumerate(specs, start=1):
        spec.fund_account = branch.fund_account(number)
        assets, volume = _amounts(rng, spec.tier)
        institution = spec.tier == INSTITUTION
        spec.fields = {
            "kind": CustomerKind.INSTITUTION if institution else CustomerKind.INDIVIDUAL,
            "name": next(companies) if institution else next(names),
            "id_type": IdType.CREDIT_CODE if institution else IdType.RESIDENT_ID,
            "id_number": credit_code(rng) if institution else resident_id(rng),
            "phone": f"{branch.office_phone_prefix}{number:04d}"
            if institution
            else f"{branch.phone_prefix}{number:04d}",
            "fund_account": spec.fund_account,
            "sh_account": f"{'B' if institution else 'A'}"
            f"{880000000 + 100000 * branch.index + number}",
            # Most hold Shanghai designated trading here; a few moved it long ago.
            "sh_designated_here": number <= len(branch.showcase) or rng.random() < 0.9,
            "sz_account": f"{'08' if institution else '01'}{branch.index:02d}{number:06d}",
            "assets": assets,
            "annual_volume": volume,
        }
    return specs


def _core_state(
    spec: Spec, *, customer_id: int, today: dt.date, password_hash: str, rng: random.Random
) -> CoreAccountState:
    values: dict[str, Any] = {
        "last_order_date": today - dt.timedelta(days=rng.randrange(3, 200)),
        "interest_settled": True,
        "cash_balance": Decimal("0.00"),
    }
    for code in spec.blocking:
        values.update(BLOCKING[code])
        if code == "orders_today":
            values["last_order_date"] = today
    if spec.closure_unmet:
        values.update(CLOSURE_UNMET)
    return CoreAccountState(
        customer_id=customer_id,
        as_of=today,
        trading_password_hash=password_hash,
        **values,
    )


class Command(DemoCommand):
    creates = (
        "the demo branch SZ001 with 300 made-up customers, two smaller branches (BJ002, "
        "SH003), their staff and the head office's (password demo-2026)"
    )
    help = "Create the demo branches, staff, customers and requests (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--quiet", action="store_true", help="print nothing but errors")

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        self.quiet = bool(options["quiet"])
        call_command("calendar_seed", stdout=io.StringIO() if self.quiet else self.stdout)
        # The demo must not stop on 1 January: a year the exchanges have not announced yet
        # gets a provisional, weekends-only calendar, shown as unconfirmed on every page.
        provisional = calendar_provisional_years(today=beijing_today())
        if provisional and not self.quiet:
            self.stdout.write(f"calendar: provisional year(s) {provisional} (demo, unconfirmed)")
        roles_sync()
        self.password = make_password(DEMO_PASSWORD)  # one hash for all: slow on purpose
        with transaction.atomic():
            self._head_office()
        for demo in DEMO_BRANCHES:
            self._seed_branch(demo)
        self._head_office_month()
        if not self.quiet:
            self._say(f"  head office: {', '.join(u for u, _n, _r in HEAD_OFFICE_STAFF)}")
            self._say(f"seed_demo done in {time.monotonic() - started:.1f} s")

    def _seed_branch(self, demo: DemoBranch) -> None:
        with transaction.atomic():
            branch = self._branch(demo)
            staff = self._staff(branch, demo)
            if demo.code == BRANCH_CODE:
                self._refinements(branch, staff)
            specs = build_specs(demo)
            customers = self._customers(branch, specs, staff)
            self._core_states(specs, customers)
            self._appointments(branch, specs, customers, staff)
        # Each request runs through the services in its own transactions, as at the counter;
        # the messages they record are in the branch's language.
        with translation.override(settings.LANGUAGE_CODE):
            self._requests(specs, customers, staff)
            # Today's revisits for the demo (Art. 31-34); planning twice creates nothing twice.
            job_run(
                name="revisits.plan",
                business_date=beijing_today(),
                trigger=JobTrigger.COMMAND,
                branch=branch,
            )
        if not self.quiet:
            self._summary(branch, demo)

    def _say(self, message: str) -> None:
        if not self.quiet:
            self.stdout.write(message)

    def _branch(self, demo: DemoBranch) -> Branch:
        branch, _created = Branch.objects.get_or_create(
            code=demo.code, defaults={"name": demo.name}
        )
        return branch

    def _refinements(self, branch: Branch, staff: dict[str, Staff]) -> None:
        for rule, value, why in REFINEMENTS:
            if not Refinement.objects.filter(branch=branch, rule=rule).exists():
                refinement_propose(
                    actor=staff["gm"], branch=branch, rule=rule, value=value, why=why
                )

    def _staff(self, branch: Branch | None, demo: DemoBranch | None) -> dict[str, Staff]:
        """The branch's staff (or, with no branch, the head office's), by the seeder's key."""
        groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
        wanted = demo.staff if demo is not None else [(u, u, n, r) for u, n, r in HEAD_OFFICE_STAFF]
        people: dict[str, Staff] = {}
        for key, username, display_name, role in wanted:
            person, _created = Staff.objects.get_or_create(
                username=username,
                defaults={
                    "branch": branch,
                    "display_name": display_name,
                    "password": self.password,
                    "is_staff": True,
                },
            )
            if person.branch_id != (branch.pk if branch else None):
                # A keeper seeded when it still sat at the main branch: the head office now.
                Staff.objects.filter(pk=person.pk).update(branch=branch)
            person.groups.add(groups[role])  # a no-op when it is already there
            people[key] = person
        return people

    def _head_office(self) -> None:
        self._staff(None, None)

    def _head_office_month(self) -> None:
        """Last month's figures and alerts for the head office, as its monthly job keeps
        them (headoffice/jobs.py), computed now whatever the day: the job itself waits for
        the month's first trading day. Both replace what an earlier run kept."""
        today = beijing_today()
        month = previous_month(today)
        with translation.override(settings.LANGUAGE_CODE):
            branch_month_figures_compute(month=month, today=today)
            alerts = branch_alerts_raise(month=month, today=today)
        self._say(f"head office {month:%Y-%m}: {alerts['alerts']} alert(s)")

    def _customers(
        self, branch: Branch, specs: list[Spec], staff: dict[str, Staff]
    ) -> dict[str, Customer]:
        existing = set(
            Customer.objects.filter(fund_account__in=[s.fund_account for s in specs]).values_list(
                "fund_account", flat=True
            )
        )
        Customer.objects.bulk_create(
            [
                Customer(branch=branch, account_manager=staff[s.manager], **s.fields)
                for s in specs
                if s.fund_account not in existing
            ],
            batch_size=500,
        )
        return {
            c.fund_account: c
            for c in Customer.objects.filter(
                fund_account__in=[s.fund_account for s in specs]
            ).select_related("branch")
        }

    def _core_states(self, specs: list[Spec], customers: dict[str, Customer]) -> None:
        today = beijing_today()
        rng = random.Random(SEED + 1)
        password_hash = make_password(DEMO_TRADING_PASSWORD)
        have = set(
            CoreAccountState.objects.filter(customer__in=list(customers.values())).values_list(
                "customer_id", flat=True
            )
        )
        new = []
        for spec in specs:
            state = _core_state(
                spec,
                customer_id=customers[spec.fund_account].pk,
                today=today,
                password_hash=password_hash,
                rng=rng,  # drawn for every spec, so the values do not depend on what exists
            )
            if state.customer_id not in have:
                new.append(state)
        CoreAccountState.objects.bulk_create(new, batch_size=500)
        # "Orders placed today" means today: keep those demo customers blocked on a later day.
        CoreAccountState.objects.filter(
            customer__fund_account__in=[
                s.fund_account for s in specs if "orders_today" in s.blocking
            ]
        ).exclude(last_order_date=today).update(last_order_date=today, as_of=today)

    def _appointments(
        self,
        branch: Branch,
        specs: list[Spec],
        customers: dict[str, Customer],
        staff: dict[str, Staff],
    ) -> None:
        """Art. 18: booked the trading day before, the customer is served today; booked
        today, the counter refuses until the next trading day."""
        today = beijing_today()
        calendar = TradingCalendar()
        # On a closed day the counter's "today" is already past the last trading day, so a
        # booking is usable only if made the trading day before that one.
        last_open = (
            today if calendar.is_trading_day(today) else calendar.previous_trading_day(today)
        )
        ready_on = calendar.previous_trading_day(last_open)
        booked = set(
            Appointment.objects.filter(customer__in=list(customers.values())).values_list(
                "customer_id", flat=True
            )
        )
        new = []
        for i, spec in enumerate(s for s in specs if s.appointment):
            customer = customers[spec.fund_account]
            if customer.pk in booked:
                continue
            host = staff["director"] if i % 2 == 0 else staff["gm"]
            new.append(
                Appointment(
                    branch=branch,
                    customer=customer,
                    host=host,
                    booked_on=ready_on if spec.appointment == "ready" else today,
                    booked_by=host,
                    findings="客户来电说明转户意向，已约定面谈。",
                )
            )
        Appointment.objects.bulk_create(new)
        Appointment.objects.filter(
            customer__fund_account__in=[s.fund_account for s in specs if s.appointment == "today"],
            transfer_request__isnull=True,
        ).exclude(booked_on=today).update(booked_on=today)

    def _requests(
        self, specs: list[Spec], customers: dict[str, Customer], staff: dict[str, Staff]
    ) -> None:
        started = set(
            TransferRequest.objects.filter(
                customer__fund_account__in=[s.fund_account for s in specs if s.request]
            ).values_list("customer__fund_account", flat=True)
        )
        for spec in specs:
            if spec.request and spec.fund_account not in started:
                drive_request(customers[spec.fund_account], spec.request, staff)

    def _summary(self, branch: Branch, demo: DemoBranch) -> None:
        customers = Customer.objects.filter(branch=branch).select_related("branch")
        tiers = Counter("机构" if c.is_institution else TIER_NAMES[c.tier] for c in customers)
        requests = Counter(
            TransferRequest.objects.filter(branch=branch).values_list("state", flat=True)
        )
        self._say(f"{branch.code} {branch.name}")
        self._say(
            f"  staff: {', '.join(u for _k, u, _n, _r in demo.staff)} (password {DEMO_PASSWORD})"
        )
        self._say(
            f"  customers: {sum(tiers.values())} ("
            + ", ".join(f"{k} {v}" for k, v in sorted(tiers.items()))
            + f"); trading password {DEMO_TRADING_PASSWORD}"
        )
        self._say(
            f"  appointments: {Appointment.objects.filter(branch=branch).count()}; requests: "
            + ", ".join(f"{k} {v}" for k, v in sorted(requests.items()))
        )
        self._say("  try these fund accounts:")
        for number, spec in enumerate(demo.showcase, start=1):
            self._say(f"    {demo.fund_account(number)}  {spec.note}")


def drive_request(customer: Customer, target: str, staff: dict[str, Staff]) -> TransferRequest:
    """A demo request taken through the real services to `target`."""
    if target == "deferred_twice":
        return _deferred_twice(customer, staff)
    if target == "completed_late":
        return _completed_late(customer, staff)
    clerk, lead, manager = staff["clerk"], staff["lead"], customer.account_manager
    assert manager is not None
    broker, seat = RECEIVING_BROKER
    req = services.transfer_request_create(
        customer=customer,
        actor=clerk,
        wants_sz_transfer=True,
        sz_receiving_broker=broker,
        sz_receiving_seat=seat,
    )
    services.transfer_documents_verify(
        request=req,
        actor=clerk,
        checked=required_documents(customer_kind=customer.kind, by_agent=False),
    )
    reason = "commission" if target == "deferred" else "moved_away"
    services.transfer_reason_record(
        request=req,
        actor=clerk,
        primary_reason=ChurnReason.objects.get(code=reason),
        note="客户称新居离营业部较远。" if reason == "moved_away" else "客户认为佣金偏高。",
    )
    if target == "deferred":
        return services.transfer_defer(
            request=req,
            actor=clerk,
            follow_up_on=beijing_today() + dt.timedelta(days=14),
            comment="客户同意先试用调整后的服务两周。",
        )
    services.transfer_go_on(request=req, actor=clerk, comment="客户坚持办理。")
    if target == "awaiting_md":
        services.transfer_record_phone_approval(
            request=req, actor=clerk, approver=lead, note="柜面负责人外出，电话同意。"
        )
        services.transfer_approve(request=req, actor=manager)
        return req
    services.transfer_approve(request=req, actor=lead)
    if target == "awaiting_approval":
        return req
    services.transfer_approve(request=req, actor=manager)
    if target == "director_by_phone":
        services.transfer_record_phone_approval(
            request=req,
            actor=clerk,
            approver=staff["director"],
            note="营销总监外出拜访客户，电话同意。",
        )
        req.refresh_from_db()
        return req
    # Important customers go on to the marketing director, core and institutions to the GM last.
    for step in approval_rules.route_for(req)[2:]:
        services.transfer_approve(request=req, actor=staff[DIRECTORS[step]])
    req.refresh_from_db()
    if target in ("approved", "blocked"):
        return req
    req = services.transfer_start_processing(request=req, actor=clerk)
    req = services.transfer_confirm_password(
        request=req, actor=clerk, password=DEMO_TRADING_PASSWORD
    )
    return services.transfer_complete(
        request=req, actor=clerk, retained=[str(k) for k in required_retained(req)]
    )


def _completed_late(customer: Customer, staff: dict[str, Staff]) -> TransferRequest:
    """Last month, through the real services at past dates: approved on the day it was
    asked for, completed four trading days later, past its two trading days."""
    import time_machine  # a dev dependency, as for seed_retention_demo's history

    calendar = TradingCalendar()
    asked = calendar.current_or_next_trading_day(previous_month(beijing_today()))
    done = calendar.add_trading_days(asked, 4)

    def on(day: dt.date) -> Any:
        return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=BEIJING))

    clerk = staff["clerk"]
    with on(asked):
        req = drive_request(customer, "approved", staff)
    with on(done):
        req = services.transfer_start_processing(request=req, actor=clerk)
        req = services.transfer_confirm_password(
            request=req, actor=clerk, password=DEMO_TRADING_PASSWORD
        )
        return services.transfer_complete(
            request=req, actor=clerk, retained=[str(k) for k in required_retained(req)]
        )


def _deferred_twice(customer: Customer, staff: dict[str, Staff]) -> TransferRequest:
    """Last month, through the real services at past dates: the customer complains of the
    staff (Art. 23), is asked to defer, comes back a week later and is asked to defer again
    for the same reason — a sign of forced retention the head office's alerts look for
    (CSRC notice of 2009; Order 204)."""
    import time_machine  # a dev dependency, as for seed_retention_demo's history

    clerk = staff["clerk"]
    calendar = TradingCalendar()
    first = calendar.current_or_next_trading_day(previous_month(beijing_today()))
    again = calendar.add_trading_days(first, 5)

    def on(day: dt.date) -> Any:
        return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=BEIJING))

    with on(first):
        req = services.transfer_request_create(
            customer=customer,
            actor=clerk,
            wants_sz_transfer=True,
            sz_receiving_broker=RECEIVING_BROKER[0],
            sz_receiving_seat=RECEIVING_BROKER[1],
        )
        services.transfer_documents_verify(
            request=req,
            actor=clerk,
            checked=required_documents(customer_kind=customer.kind, by_agent=False),
        )
        services.transfer_reason_record(
            request=req,
            actor=clerk,
            primary_reason=ChurnReason.objects.get(code="staff_attitude"),
            note="客户对柜台服务态度不满。",
        )
        services.transfer_defer(
            request=req,
            actor=clerk,
            follow_up_on=first + dt.timedelta(days=7),
            comment="已致歉，请客户暂缓办理。",
        )
    with on(again):
        services.transfer_resume(request=req, actor=clerk, comment="客户再次要求办理。")
        return services.transfer_defer(
            request=req,
            actor=clerk,
            follow_up_on=again + dt.timedelta(days=14),
            comment="再次请客户暂缓办理。",
        )
