"""The bench data set, loaded with COPY: customers over ten branches, transfer
requests in every state with their document checks, approvals and audit rows, revisit
tasks, 60 trading days of the core system's daily figures for the big branch, and archive
records with files for the integrity check. `scale` shrinks every volume in proportion."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction

from accounts.models import Branch, Customer, CustomerKind, IdType, Staff
from accounts.roles import Role
from accounts.services import roles_sync
from archives.models import ArchiveDocument, ArchiveRecord
from core_system.models import CoreAccountState
from devtools.bench.copy import copy_rows, next_id, reset_sequences
from kernel.calendar import TradingCalendar, beijing_today, calendar_seed_from_package, close_of
from retention.models import DailyCustomerMetrics
from revisits.models import RevisitTask
from transfers.models import (
    Approval,
    ChurnReason,
    DocumentCheck,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
)

S = TransferState
BRANCHES = 10
BIG_BRANCH_SHARE = 0.2  # 200,000 of 1,000,000
FULL = {
    "customers": 1_000_000,
    "requests": 50_000,
    "revisit_tasks": 200_000,
    "metric_days": 60,
    "archive_records": 100_000,
    "filing_endings": 2_000,
}
BIG_BRANCH_CODE = "BENCH01"
PASSWORD = "bench-pass-2026"
TRADING_PASSWORD = "135790"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文博宇轩浩然子涵欣怡梓萱"
# The chain of transitions each state's requests went through, as the audit trail has them:
# (action, from state, to state).
Step = tuple[str, str, str]
_STEPS: list[Step] = [
    ("verify_documents", S.RECEIVED, S.DOCUMENTS_VERIFIED),
    ("record_reason", S.DOCUMENTS_VERIFIED, S.RETENTION),
    ("go_on", S.RETENTION, S.AWAITING_APPROVAL),
    ("approve_counter_lead", S.AWAITING_APPROVAL, S.AWAITING_APPROVAL),
    ("approve_account_manager", S.AWAITING_APPROVAL, S.APPROVED),
    ("start_processing", S.APPROVED, S.PROCESSING),
    ("complete", S.PROCESSING, S.COMPLETED),
]


def _chain(state: str) -> list[Step]:
    create: list[Step] = [("create", "", S.RECEIVED)]
    upto = {
        S.RECEIVED: 0,
        S.DOCUMENTS_VERIFIED: 1,
        S.RETENTION: 2,
        S.AWAITING_APPROVAL: 4,
        S.APPROVED: 5,
        S.PROCESSING: 6,
        S.COMPLETED: 7,
    }
    if state in upto:
        return create + _STEPS[: upto[S(state)]]
    if state == S.BLOCKED:
        return create + _STEPS[:4] + [("block", S.AWAITING_APPROVAL, S.BLOCKED)]
    if state == S.PASSWORD_LOCKED:
        return create + _STEPS[:6] + [("lock_password", S.PROCESSING, S.PASSWORD_LOCKED)]
    if state == S.DEFERRED:
        return create + _STEPS[:2] + [("defer", S.RETENTION, S.DEFERRED)]
    if state == S.WITHDRAWN:
        return create + _STEPS[:2] + [("customer_stays", S.RETENTION, S.WITHDRAWN)]
    return [*create, ("refuse", S.RECEIVED, S.REFUSED)]  # refused


@dataclass
class Volumes:
    scale: float
    customers: int = 0
    requests: int = 0
    revisit_tasks: int = 0
    metric_days: int = FULL["metric_days"]
    archive_records: int = 0
    filing_endings: int = 0

    def __post_init__(self) -> None:
        s = self.scale
        self.customers = max(2_000, int(FULL["customers"] * s))
        self.requests = max(240, int(FULL["requests"] * s))
        self.revisit_tasks = max(200, int(FULL["revisit_tasks"] * s))
        self.archive_records = max(200, int(FULL["archive_records"] * s))
        self.filing_endings = max(30, int(FULL["filing_endings"] * s))

    @property
    def big_branch_customers(self) -> int:
        return int(self.customers * BIG_BRANCH_SHARE)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "customers": self.customers,
            "branches": BRANCHES,
            "big_branch_customers": self.big_branch_customers,
            "transfer_requests": self.requests,
            "revisit_tasks": self.revisit_tasks,
            "metric_days": self.metric_days,
            "metric_rows": self.big_branch_customers * self.metric_days,
            "archive_records": self.archive_records,
            "filing_endings": self.filing_endings,
        }


@dataclass
class BranchSet:
    branch: Branch
    staff: dict[str, Staff]
    managers: list[int]
    first_customer: int
    customers: int


@dataclass
class Generated:
    volumes: Volumes
    timings: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def _timed(gen: Generated, name: str, fn: Callable[[], int]) -> None:
    started = time.perf_counter()
    n = fn()
    gen.timings[name] = round(time.perf_counter() - started, 2)
    gen.rows[name] = n


def _staff(branch: Branch, code: str, groups: dict[str, Group], password: str) -> BranchSet:
    people: dict[str, Staff] = {}
    plan = [
        ("clerk", Role.COUNTER_CLERK),
        ("lead", Role.COUNTER_LEAD),
        ("director", Role.MARKETING_DIRECTOR),
        ("gm", Role.GENERAL_MANAGER),
        ("archivist", Role.ARCHIVIST),
        ("auditor", Role.AUDITOR),
    ] + [(f"manager{i}", Role.ACCOUNT_MANAGER) for i in range(20)]
    for key, role in plan:
        person = Staff.objects.create(
            username=f"{code.lower()}-{key}",
            branch=branch,
            display_name=f"{key}@{code}",
            password=password,
            is_staff=True,
            email=f"{key}@{code.lower()}.bench.invalid",
        )
        person.groups.add(groups[role])
        people[key] = person
    managers = [p.pk for k, p in people.items() if k.startswith("manager")]
    return BranchSet(branch, people, managers, 0, 0)


def _customers(sets: list[BranchSet], vol: Volumes, rng: random.Random) -> Iterator[dict[str, Any]]:
    pk = next_id(Customer)
    big = vol.big_branch_customers
    rest = (vol.customers - big) // (BRANCHES - 1)
    for index, bs in enumerate(sets):
        n = big if index == 0 else rest
        bs.first_customer, bs.customers = pk, n
        for _ in range(n):
            roll = rng.random()
            institution = roll < 0.03
            if roll < 0.90:
                assets = rng.uniform(1_000, 480_000)
            elif roll < 0.98:
                assets = rng.uniform(500_000, 4_800_000)
            else:
                assets = rng.uniform(5_000_000, 60_000_000)
            name = (
                f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}科技有限公司"
                if institution
                else rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
            )
            yield {
                "id": pk,
                "branch_id": bs.branch.pk,
                "kind": CustomerKind.INSTITUTION if institution else CustomerKind.INDIVIDUAL,
                "name": name,
                "id_type": IdType.CREDIT_CODE if institution else IdType.RESIDENT_ID,
                "id_number": f"9144{pk:014d}" if institution else f"4403{pk:013d}X",
                "phone": f"139{pk:08d}",
                "fund_account": f"{index + 1:02d}{pk:010d}",
                "sh_account": f"A{pk:09d}",
                "sh_designated_here": True,
                "sz_account": f"0{pk:09d}",
                "account_manager_id": bs.managers[pk % len(bs.managers)],
                "assets": Decimal(f"{assets:.2f}"),
                "annual_volume": Decimal(f"{assets * rng.uniform(0.5, 8):.2f}"),
            }
            pk += 1


@dataclass
class RequestPlan:
    reqs: list[dict[str, Any]] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)


def _requests(
    sets: list[BranchSet], vol: Volumes, reasons: list[int], filing_day: dt.date, now: dt.datetime
) -> RequestPlan:
    """Requests spread over every state; the big branch holds 40% of them, and the first
    `filing_endings` of its ended ones ended during the filing day."""
    rng = random.Random(7)
    plan = RequestPlan()
    states = list(S)
    rid, aid = next_id(TransferRequest), next_id(TransferAuditEntry)
    big_n = int(vol.requests * 0.4)
    per_other = (vol.requests - big_n) // (BRANCHES - 1)
    filing_start = close_of(filing_day) - dt.timedelta(hours=6)
    to_file = vol.filing_endings
    for index, bs in enumerate(sets):
        n = big_n if index == 0 else per_other
        stride = max(1, bs.customers // max(n, 1))
        staff = bs.staff
        for k in range(n):
            customer_id = bs.first_customer + k * stride
            if index == 0 and to_file > 0:
                state = (S.COMPLETED, S.WITHDRAWN, S.REFUSED)[to_file % 3]
                to_file -= 1
                ended = filing_start + dt.timedelta(seconds=to_file * 5)
                created = ended - dt.timedelta(hours=2)
            else:
                state = states[k % len(states)]
                created = now - dt.timedelta(days=rng.uniform(1, 60))
                ended = created + dt.timedelta(hours=rng.uniform(1, 48))
            chain = _chain(state)
            is_ended = state in (S.COMPLETED, S.WITHDRAWN, S.REFUSED)
            has_reason = len(chain) > 2 and state != S.REFUSED
            manager = bs.managers[customer_id % len(bs.managers)]
            plan.reqs.append(
                {
                    "id": rid,
                    "branch_id": bs.branch.pk,
                    "customer_id": customer_id,
                    "created_by_id": staff["clerk"].pk,
                    "created_at": created,
                    "wants_sz_transfer": True,
                    "sz_receiving_broker": "某某证券",
                    "sz_receiving_seat": "123456",
                    "wants_sh_revocation": k % 2 == 0,
                    "wants_closure": k % 5 == 0,
                    "state": state,
                    "primary_reason_id": reasons[k % len(reasons)] if has_reason else None,
                    "reason_note": "客户称佣金偏高。" if has_reason else "",
                    "due_on": (created + dt.timedelta(days=3)).date(),
                    "follow_up_on": (now + dt.timedelta(days=14)).date()
                    if state == S.DEFERRED
                    else None,
                    "password_confirmed_at": ended if state == S.COMPLETED else None,
                    "fee_amount": Decimal("30.00") if state == S.COMPLETED else None,
                    "receipt_number": f"BENCH{rid:012d}" if state == S.COMPLETED else None,
                    "retained_documents": ["form_original", "identity_copy"]
                    if state == S.COMPLETED
                    else [],
                    "completed_at": ended if state == S.COMPLETED else None,
                    "completed_by_id": staff["clerk"].pk if state == S.COMPLETED else None,
                    "ended_at": ended if is_ended else None,
                    "blocking_conditions": [],
                }
            )
            step_at = created
            gap = (ended - created) / max(len(chain), 1)
            for position, (action, from_state, to_state) in enumerate(chain):
                at = ended if position == len(chain) - 1 and is_ended else step_at
                actor = staff["lead"] if action == "approve_counter_lead" else staff["clerk"]
                if action == "approve_account_manager":
                    actor = Staff(pk=manager)
                plan.audits.append(
                    {
                        "id": aid,
                        "request_id": rid,
                        "at": at,
                        "actor_id": actor.pk,
                        "action": action,
                        "from_state": from_state,
                        "to_state": to_state,
                        "comment": "",
                        "client_ip": "127.0.0.1",
                    }
                )
                aid += 1
                step_at += gap
                if action == "verify_documents":
                    for kind in ("identity", "securities_card", "fund_card"):
                        plan.checks.append(
                            {
                                "request_id": rid,
                                "kind": kind,
                                "checked_by_id": staff["clerk"].pk,
                                "checked_at": at,
                            }
                        )
                if action.startswith("approve_"):
                    step = action.removeprefix("approve_")
                    plan.approvals.append(
                        {
                            "request_id": rid,
                            "round": 1,
                            "step": step,
                            "approver_id": staff["lead"].pk if step == "counter_lead" else manager,
                            "mode": "in_person",
                            "approved_at": at,
                            "recorded_by_id": staff["clerk"].pk,
                        }
                    )
            rid += 1
    return plan


def _revisit_tasks(sets: list[BranchSet], vol: Volumes, today: dt.date) -> Iterator[dict[str, Any]]:
    reasons = ["left_first", "left_monthly", "institution_visit", "follow_up"]
    big_n = vol.revisit_tasks // 2
    per_other = (vol.revisit_tasks - big_n) // (BRANCHES - 1)
    for index, bs in enumerate(sets):
        n = big_n if index == 0 else per_other
        # Skip the customers the requests use (the first ones at each stride) by offsetting.
        for k in range(n):
            customer_id = bs.first_customer + (bs.customers - 1 - k)
            roll = k % 10
            status = "open" if roll < 6 else ("done" if roll < 9 else "cancelled")
            due = today + dt.timedelta(days=(k % 60) - 30)
            yield {
                "branch_id": bs.branch.pk,
                "customer_id": customer_id,
                "reason": reasons[k % len(reasons)],
                "source_ref": "",
                "owner_id": bs.managers[customer_id % len(bs.managers)],
                "due_on": due,
                "channel": "phone",
                "status": status,
                "topics": ["situation"] if status == "done" else [],
                "outcome": "客户表示满意。" if status == "done" else "",
                "done_on": due if status == "done" else None,
            }


def _metrics(bs: BranchSet, days: list[dt.date]) -> Iterator[dict[str, Any]]:
    """Daily assets and trades for every customer of the big branch: most drift, about 3%
    lose 60% of their assets over the last 30 days, about 4% stop trading."""
    rng = random.Random(11)
    last = len(days) - 1
    for customer_id in range(bs.first_customer, bs.first_customer + bs.customers):
        base = rng.uniform(5_000, 900_000)
        roll = rng.random()
        dropping, idle = roll < 0.03, 0.03 <= roll < 0.07
        for i, day in enumerate(days):
            if dropping:  # loses 60% over the last 30 trading days
                factor = 1 - 0.6 * max(0, i - (last - 30)) / 30
            else:
                factor = 1 + 0.02 * ((i * 7 + customer_id) % 5 - 2)
            yield {
                "customer_id": customer_id,
                "date": day,
                "assets": Decimal(f"{base * factor:.2f}"),
                "trades_count": 0 if idle and i > last - 25 else (customer_id + i) % 4,
            }


PDF_BYTES = b"%PDF-1.4\n% bench archive document\n" + b"0" * 2_000 + b"\n%%EOF\n"


def _archives(
    sets: list[BranchSet], vol: Volumes, today: dt.date, media: Path
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Filed records over all branches; the big branch's (20%) each have one stored file,
    so the integrity check has real hashing to do."""
    rid = next_id(ArchiveRecord)
    records, documents = [], []
    big_n = int(vol.archive_records * BIG_BRANCH_SHARE)
    per_other = (vol.archive_records - big_n) // (BRANCHES - 1)
    digest = hashlib.sha256(PDF_BYTES).hexdigest()
    folder = media / "archives" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for index, bs in enumerate(sets):
        n = big_n if index == 0 else per_other
        for k in range(n):
            year = 2020 + k % 6
            records.append(
                {
                    "id": rid,
                    "branch_id": bs.branch.pk,
                    "number": f"{bs.branch.code}-IND-{year}-{k:07d}",
                    "category": "individual",
                    "year": year,
                    "sequence": k,
                    "medium": "paper",
                    "status": "filed",
                    "title": f"客户档案 {k}",
                    "customer_id": bs.first_customer + k % bs.customers,
                    "business_date": today - dt.timedelta(days=k % 2000),
                    "cabinet": f"C{k % 40:02d}",
                    "box": f"B{k % 400:03d}",
                    "retention_until": dt.date(year + 20, 12, 31),
                    "filed_at": dt.datetime(year, 6, 1, tzinfo=dt.UTC),
                    "filed_by_id": bs.staff["archivist"].pk,
                }
            )
            if index == 0:
                name = f"archives/bench/{rid}.pdf"
                (media / name).write_bytes(PDF_BYTES)
                documents.append(
                    {
                        "record_id": rid,
                        "kind": "business_form",
                        "file": name,
                        "original_name": f"{rid}.pdf",
                        "content_type": "application/pdf",
                        "size": len(PDF_BYTES),
                        "sha256": digest,
                        "generated": True,
                        "uploaded_by_id": bs.staff["archivist"].pk,
                    }
                )
            rid += 1
    return records, documents


def generate(*, scale: float, say: Callable[[str], None] = print) -> Generated:
    """Load the data set into an empty (migrated) database; refuses a database that already
    holds bench data."""
    vol = Volumes(scale=scale)
    gen = Generated(vol)
    if Branch.objects.filter(code=BIG_BRANCH_CODE).exists():
        raise RuntimeError("bench data already loaded: drop the database first (make bench does)")
    started = time.perf_counter()
    calendar_seed_from_package()
    roles_sync()
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    password = make_password(PASSWORD)
    now = dt.datetime.now(dt.UTC)
    today = beijing_today()
    calendar = TradingCalendar()
    filing_day = calendar.previous_trading_day(today)
    sets = []
    for i in range(BRANCHES):
        code = BIG_BRANCH_CODE if i == 0 else f"BENCH{i + 1:02d}"
        branch = Branch.objects.create(code=code, name=f"压测营业部{i + 1:02d}")
        sets.append(_staff(branch, code, groups, password))
    rng = random.Random(20261128)
    with transaction.atomic():
        _timed(gen, "customers", lambda: copy_rows(Customer, _customers(sets, vol, rng)))
    say(f"customers: {gen.rows['customers']} in {gen.timings['customers']} s")

    reasons = list(ChurnReason.objects.values_list("pk", flat=True))
    plan = _requests(sets, vol, reasons, filing_day, now)
    with transaction.atomic():
        _timed(gen, "transfer_requests", lambda: copy_rows(TransferRequest, plan.reqs))
        _timed(gen, "audit_entries", lambda: copy_rows(TransferAuditEntry, plan.audits))
        _timed(gen, "document_checks", lambda: copy_rows(DocumentCheck, plan.checks))
        _timed(gen, "approvals", lambda: copy_rows(Approval, plan.approvals))
    say(f"requests: {gen.rows['transfer_requests']}, audit {gen.rows['audit_entries']}")

    with transaction.atomic():
        _timed(
            gen, "revisit_tasks", lambda: copy_rows(RevisitTask, _revisit_tasks(sets, vol, today))
        )
    say(f"revisit tasks: {gen.rows['revisit_tasks']} in {gen.timings['revisit_tasks']} s")

    days = [calendar.previous_trading_day(today)]
    while len(days) < vol.metric_days:
        days.append(calendar.previous_trading_day(days[-1]))
    days.reverse()
    with transaction.atomic():
        _timed(
            gen, "daily_metrics", lambda: copy_rows(DailyCustomerMetrics, _metrics(sets[0], days))
        )
    say(f"daily metrics: {gen.rows['daily_metrics']} in {gen.timings['daily_metrics']} s")

    media = Path(settings.MEDIA_ROOT)
    records, documents = _archives(sets, vol, today, media)
    with transaction.atomic():
        _timed(gen, "archive_records", lambda: copy_rows(ArchiveRecord, records))
        _timed(gen, "archive_documents", lambda: copy_rows(ArchiveDocument, documents))
    say(f"archive records: {gen.rows['archive_records']}")

    # The lifecycle benchmark's customers: ordinary ones whose core-system state lets them go.
    lifecycle = list(
        Customer.objects.filter(branch=sets[1].branch, kind=CustomerKind.INDIVIDUAL)
        .filter(assets__lt=400_000, annual_volume__lt=5_000_000)
        .order_by("-pk")
        .values_list("pk", flat=True)[:2_000]
    )
    trading_hash = make_password(TRADING_PASSWORD)
    CoreAccountState.objects.bulk_create(
        [
            CoreAccountState(
                customer_id=pk,
                as_of=today,
                last_order_date=today - dt.timedelta(days=30),
                interest_settled=True,
                cash_balance=Decimal("0.00"),
                trading_password_hash=trading_hash,
            )
            for pk in lifecycle
        ],
        batch_size=1000,
    )
    reset_sequences(
        Customer,
        TransferRequest,
        TransferAuditEntry,
        DocumentCheck,
        Approval,
        RevisitTask,
        DailyCustomerMetrics,
        ArchiveRecord,
        ArchiveDocument,
    )
    with connection.cursor() as cursor:
        # As autovacuum leaves a live database: statistics, and the visibility maps without
        # which a freshly COPYed table answers no index-only scan (the nightly jobs ran
        # 2–4× slower straight after loading than once the tables were vacuumed). VACUUM
        # cannot run inside a transaction, where a test may call this.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    gen.timings["total"] = round(time.perf_counter() - started, 2)
    say(f"generated in {gen.timings['total']} s")
    return gen
