"""The head-office bench's data set: a year of the churn events of a firm of ten million
customers on 150 branches, loaded with COPY (devtools/bench/copy.py), so the firm's monthly
computation (headoffice/services/figures.py) reads what it would read at a large broker.

The volumes follow from the firm's size and its churn (FirmVolumes): 3% of 10,000,000
customers leave in a year, 25,000 a month; for every ten who leave, four more decided to
stay after the retention talk (Art. 20-29: withdrawn requests) and about one deferred
(Art. 34). Each branch takes a share of the firm (a log-normal spread: the largest branches
several times the smallest), each month a little more or less. For every event the rows
the computation reads are written as the services would leave them:

- a customer who left: a completed TransferRequest (its reason, receiving broker, due day,
  one in a hundred done after it), its approvals by tier (Art. 9, 10, 17; one in
  twenty-five by phone, most signed off the next day, some late, some never), a retention
  attempt with the playbook steps done (three in four), the Art. 30 memo ("left", with the
  tier, assets, account manager and broker of the day) and, for important, core and
  institution customers, the Art. 31 revisits: one in the week they left, then one a month
  to the end of the computed month;
- a customer who stayed: a withdrawn request with its attempt, and a promise (Art. 29) for
  four in ten;
- a customer who deferred: a deferred request, its memo ("deferred"), a promise and the
  monthly contact while deferring (Art. 34);
- in the computed month, the requests still running: waiting for approval (some past their
  two trading days) and held up by an Art. 16 condition;
- the archives' access register (records Art. 6): a few grants a branch a month, each used
  a few times, and now and then a file opened without one.

What is shared rather than generated: the customers. The computation never reads a
customer (the memo keeps its own snapshot), so each branch has a pool of 100 customers
(ordinary, important, core, institution in the proportions of the events) that its events
share, not ten million encrypted rows; and the staff are one clerk, counter lead, marketing
director, general manager, archivist and eight account managers per branch, created without
roles (nobody signs in as them)."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from accounts.models import Branch, Customer, CustomerKind, IdType, Staff
from archives.models import AccessLogEntry, AccessRequest, ArchiveRecord
from devtools.bench.copy import copy_rows, next_id, reset_sequences
from kernel.calendar import BEIJING
from retention.models import (
    Commitment,
    MemoOutcome,
    Playbook,
    PlaybookStep,
    RetentionAttempt,
    WorkMemo,
)
from retention.selectors.analysis import add_months
from revisits.models import RevisitTask
from transfers.models import Approval, ChurnReason, TransferRequest, TransferState

S = TransferState
BRANCH_PREFIX = "BH"
POOL = 100  # customers per branch that the branch's events share
MANAGERS = 8
# The memo's tier of who leaves (Art. 17), the share of the pool, and the assets' range.
TIERS: list[tuple[str, float, int, int]] = [
    ("ordinary", 0.75, 10_000, 500_000),
    ("important", 0.18, 500_000, 5_000_000),
    ("core", 0.05, 5_000_000, 50_000_000),
    ("institution", 0.02, 1_000_000, 100_000_000),
]
# Approval steps by tier (Art. 9, 10, 17): institutions are approved like core customers.
STEPS = {
    "ordinary": ["counter_lead", "account_manager"],
    "important": ["counter_lead", "account_manager", "marketing_director"],
    "core": ["counter_lead", "account_manager", "marketing_director", "general_manager"],
}
STEPS["institution"] = STEPS["core"]
APPROVER = {
    "counter_lead": "lead",
    "marketing_director": "director",
    "general_manager": "gm",
}
BROKERS = [f"{name}证券" for name in "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未"]
# Why customers leave, as a share of who leaves (commission and competition lead).
REASON_WEIGHTS = {
    "commission": 24,
    "competition": 18,
    "moved_away": 14,
    "staff_left": 10,
    "research": 8,
    "equipment": 6,
    "products": 6,
    "staff_attitude": 5,
    "environment": 4,
    "other": 5,
}
CONDITIONS = ["bond_repo_open", "ipo_frozen", "orders_today", "agreement_unfulfilled"]


@dataclass
class FirmVolumes:
    """The firm's size and churn; every volume of the data set follows from them."""

    customers: int = 10_000_000
    branches: int = 150
    annual_churn: float = 0.03
    stayed_per_left: float = 0.4
    deferred_per_left: float = 0.12
    months: int = 12
    running_per_branch: int = 12
    access_grants_per_branch: int = 8

    @property
    def left_per_month(self) -> int:
        return round(self.customers * self.annual_churn / 12)

    def as_dict(self) -> dict[str, Any]:
        return {
            "firm_customers": self.customers,
            "branches": self.branches,
            "annual_churn": self.annual_churn,
            "months_generated": self.months,
            "left_per_month": self.left_per_month,
            "stayed_per_month": round(self.left_per_month * self.stayed_per_left),
            "deferred_per_month": round(self.left_per_month * self.deferred_per_left),
            "customer_pool_per_branch": POOL,
        }


@dataclass
class _Branch:
    branch: Branch
    weight: float
    staff: dict[str, int]
    managers: list[int]
    customers: dict[str, list[int]]  # tier → pool
    records: list[int] = field(default_factory=list)


@dataclass
class _Rows:
    requests: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    steps_done: list[dict[str, Any]] = field(default_factory=list)
    memos: list[dict[str, Any]] = field(default_factory=list)
    commitments: list[dict[str, Any]] = field(default_factory=list)
    revisits: list[dict[str, Any]] = field(default_factory=list)
    grants: list[dict[str, Any]] = field(default_factory=list)
    access: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Generated:
    volumes: FirmVolumes
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    reused: bool = False


def generated_already() -> bool:
    return TransferRequest.objects.filter(branch__code=f"{BRANCH_PREFIX}001").exists()


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment of the counter's day (09:30-15:00 Beijing)."""
    minutes = rng.randint(9 * 60 + 30, 15 * 60 - 1)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=BEIJING)


def _weekdays(first: dt.date) -> list[dt.date]:
    days = calendar.monthrange(first.year, first.month)[1]
    every = [first.replace(day=d) for d in range(1, days + 1)]
    return [d for d in every if d.weekday() < 5]


def _count(mean: float, rng: random.Random) -> int:
    return max(0, round(rng.gauss(mean, math.sqrt(mean) + mean * 0.08)))


class _Generator:
    def __init__(self, vol: FirmVolumes, today: dt.date, last: dt.date) -> None:
        self.vol, self.today, self.last = vol, today, last
        self.end = add_months(last, 1)  # the day after the computed month
        self.rng = random.Random(20261201)
        self.ids = {
            "request": next_id(TransferRequest),
            "attempt": next_id(RetentionAttempt),
            "memo": next_id(WorkMemo),
            "grant": next_id(AccessRequest),
        }
        reasons = dict(ChurnReason.objects.values_list("code", "pk"))
        self.reasons = [reasons[c] for c in REASON_WEIGHTS if c in reasons]
        self.reason_weights = [REASON_WEIGHTS[c] for c in REASON_WEIGHTS if c in reasons]
        playbooks = dict(
            Playbook.objects.filter(branch__isnull=True)
            .order_by("reason_id", "version")
            .values_list("reason_id", "pk")
        )  # the latest firm version of each reason's playbook
        steps: dict[int, list[int]] = {}
        for playbook_id, step_id in PlaybookStep.objects.filter(
            playbook_id__in=playbooks.values()
        ).values_list("playbook_id", "pk"):
            steps.setdefault(playbook_id, []).append(step_id)
        self.playbook = {r: (p, steps.get(p, [])) for r, p in playbooks.items()}

    def _next(self, key: str) -> int:
        value = self.ids[key]
        self.ids[key] = value + 1
        return value

    # -- the firm ------------------------------------------------------------------------

    def branches(self) -> list[_Branch]:
        count = self.vol.branches
        Branch.objects.bulk_create(
            [
                Branch(code=f"{BRANCH_PREFIX}{n:03d}", name=f"基准营业部{n:03d}")
                for n in range(1, count + 1)
            ],
            ignore_conflicts=True,
        )
        branches = list(
            Branch.objects.filter(code__startswith=BRANCH_PREFIX).order_by("code")[:count]
        )
        password = make_password(None)  # nobody signs in as the bench's staff
        roles = ["clerk", "lead", "director", "gm", "archivist"] + [
            f"manager{i}" for i in range(MANAGERS)
        ]
        Staff.objects.bulk_create(
            [
                Staff(
                    username=f"{b.code.lower()}-{role}",
                    branch=b,
                    display_name=f"{role}@{b.code}",
                    password=password,
                )
                for b in branches
                for role in roles
            ],
            ignore_conflicts=True,
        )
        staff: dict[int, dict[str, int]] = {}
        for pk, branch_id, username in Staff.objects.filter(branch__in=branches).values_list(
            "pk", "branch_id", "username"
        ):
            staff.setdefault(branch_id, {})[username.split("-", 1)[1]] = pk
        weights = [self.rng.lognormvariate(0, 0.5) for _ in branches]
        total = sum(weights)
        out = []
        for b, w in zip(branches, weights, strict=True):
            people = staff[b.pk]
            out.append(
                _Branch(
                    branch=b,
                    weight=w / total,
                    staff=people,
                    managers=[people[f"manager{i}"] for i in range(MANAGERS)],
                    customers={},
                )
            )
        return out

    def customers(self, sets: list[_Branch]) -> Iterator[dict[str, Any]]:
        pk = next_id(Customer)
        rng = self.rng
        for bs in sets:
            code = bs.branch.code
            for tier, share, low, high in TIERS:
                pool = bs.customers.setdefault(tier, [])
                for _ in range(max(1, round(POOL * share))):
                    institution = tier == "institution"
                    assets = rng.randint(low, high)
                    pool.append(pk)
                    yield {
                        "id": pk,
                        "branch_id": bs.branch.pk,
                        "kind": CustomerKind.INSTITUTION
                        if institution
                        else CustomerKind.INDIVIDUAL,
                        "name": f"基准客户{pk}",
                        "id_type": IdType.CREDIT_CODE if institution else IdType.RESIDENT_ID,
                        "id_number": f"9144{pk:014d}" if institution else f"4403{pk:013d}X",
                        "phone": f"138{pk:08d}",
                        "fund_account": f"{code}{pk:012d}",
                        "sh_account": f"B{pk:09d}",
                        "sh_designated_here": True,
                        "sz_account": f"1{pk:09d}",
                        "account_manager_id": bs.managers[pk % MANAGERS],
                        "assets": Decimal(assets),
                        "annual_volume": Decimal(assets * 3),
                    }
                    pk += 1

    def records(self, sets: list[_Branch]) -> Iterator[dict[str, Any]]:
        """Twenty filed records a branch: what the access register opens."""
        pk = next_id(ArchiveRecord)
        for bs in sets:
            pool = bs.customers["ordinary"]
            for k in range(20):
                bs.records.append(pk)
                yield {
                    "id": pk,
                    "branch_id": bs.branch.pk,
                    "number": f"{bs.branch.code}-IND-2024-{k:07d}",
                    "category": "individual",
                    "year": 2024,
                    "sequence": k,
                    "medium": "paper",
                    "status": "filed",
                    "title": f"客户档案 {k}",
                    "customer_id": pool[k % len(pool)],
                    "business_date": dt.date(2024, 6, 3),
                    "cabinet": f"C{k % 4:02d}",
                    "box": f"B{k:03d}",
                    "retention_until": dt.date(2044, 12, 31),
                    "filed_at": dt.datetime(2024, 6, 3, 8, tzinfo=dt.UTC),
                    "filed_by_id": bs.staff["archivist"],
                }
                pk += 1

    # -- one month's events ----------------------------------------------------------------

    def month(self, sets: list[_Branch], first: dt.date) -> _Rows:
        rows = _Rows()
        days = _weekdays(first)
        left = self.vol.left_per_month
        for bs in sets:
            mean = left * bs.weight
            for _ in range(_count(mean, self.rng)):
                self._left(rows, bs, self.rng.choice(days))
            for _ in range(_count(mean * self.vol.stayed_per_left, self.rng)):
                self._stayed(rows, bs, self.rng.choice(days))
            for _ in range(_count(mean * self.vol.deferred_per_left, self.rng)):
                self._deferred(rows, bs, self.rng.choice(days))
            if first == self.last:
                for k in range(self.vol.running_per_branch):
                    self._running(rows, bs, k)
            self._access(rows, bs, days)
        return rows

    def _tier(self) -> str:
        return self.rng.choices([t[0] for t in TIERS], [t[1] for t in TIERS])[0]

    def _customer(self, bs: _Branch, tier: str) -> int:
        return self.rng.choice(bs.customers[tier])

    def _request(
        self, bs: _Branch, state: str, created: dt.datetime, ended: dt.datetime | None, **extra: Any
    ) -> dict[str, Any]:
        reason = self.rng.choices(self.reasons, self.reason_weights)[0]
        row = {
            "id": self._next("request"),
            "branch_id": bs.branch.pk,
            "created_by_id": bs.staff["clerk"],
            "created_at": created,
            "wants_sz_transfer": True,
            "sz_receiving_broker": self.rng.choice(BROKERS),
            "sz_receiving_seat": f"{self.rng.randint(100000, 999999)}",
            "wants_sh_revocation": True,
            "wants_closure": self.rng.random() < 0.3,
            "state": state,
            "primary_reason_id": reason,
            "reason_note": "客户称佣金偏高，已介绍服务。",
            # Two trading days from applying, near enough for the figures (CSDC 2018).
            "due_on": created.date() + dt.timedelta(days=3),
            "ended_at": ended,
            "blocking_conditions": [],
            **extra,
        }
        if self.rng.random() < 0.2:  # Shanghai revocation or closure only: no receiving broker
            row["sz_receiving_broker"], row["sz_receiving_seat"] = "", ""
            row["wants_sz_transfer"] = False
        return row

    def _attempt(self, rows: _Rows, bs: _Branch, req: dict[str, Any], answer: str) -> None:
        playbook_id, steps = self.playbook[req["primary_reason_id"]]
        pk = self._next("attempt")
        rows.attempts.append(
            {
                "id": pk,
                "request_id": req["id"],
                "playbook_id": playbook_id,
                "customer_answer": answer,
                "recorded_by_id": bs.staff["clerk"],
                "recorded_at": req["created_at"] + dt.timedelta(minutes=15),
            }
        )
        for step in self.rng.sample(steps, min(len(steps), self.rng.randint(1, 2))):
            rows.steps_done.append({"retentionattempt_id": pk, "playbookstep_id": step})

    def _memo(self, bs: _Branch, req: dict[str, Any], tier: str, **extra: Any) -> dict[str, Any]:
        low, high = next((lo, hi) for t, _s, lo, hi in TIERS if t == tier)
        return {
            "id": self._next("memo"),
            "request_id": req["id"],
            "branch_id": bs.branch.pk,
            "customer_id": req["customer_id"],
            "main_reasons": "佣金偏高；竞争券商优惠。",
            "contact_phone": "",
            "primary_reason_id": req["primary_reason_id"],
            "tier": tier,
            "assets": Decimal(self.rng.randint(low, high)),
            "account_manager_id": bs.managers[req["customer_id"] % MANAGERS],
            "receiving_broker": req["sz_receiving_broker"],
            **extra,
        }

    def _revisit(
        self,
        rows: _Rows,
        bs: _Branch,
        customer: int,
        reason: str,
        due: dt.date,
        *,
        ref: str,
        last: bool,
    ) -> None:
        """One contact; only the newest of a chain may still be open (revisit_task_one_open)."""
        roll = self.rng.random()
        if due >= self.today or (last and roll < 0.2):
            status = "open"
        elif roll < 0.93:
            status = "done"
        else:
            status = "cancelled"
        done = status == "done"
        rows.revisits.append(
            {
                "branch_id": bs.branch.pk,
                "customer_id": customer,
                "reason": reason,
                "source_ref": ref,
                "owner_id": bs.managers[customer % MANAGERS],
                "due_on": due,
                "channel": "phone",
                "status": status,
                "topics": ["activities", "situation"] if done else [],
                "outcome": "客户近况良好，介绍了新产品。" if done else "",
                "done_on": due - dt.timedelta(days=self.rng.randint(0, 2)) if done else None,
                "recorded_by_id": bs.managers[customer % MANAGERS] if done else None,
                "recorded_at": _at(due, self.rng) if done else None,
                "note": "不再需要。" if status == "cancelled" else "",
            }
        )

    def _promise(self, rows: _Rows, bs: _Branch, req: dict[str, Any], day: dt.date) -> None:
        due = day + dt.timedelta(days=self.rng.randint(3, 20))
        owner = bs.managers[req["customer_id"] % MANAGERS]
        row: dict[str, Any] = {
            "branch_id": bs.branch.pk,
            "customer_id": req["customer_id"],
            "request_id": req["id"],
            "what": "两周内开通手机交易并上门演示。",
            "owner_id": owner,
            "due_on": due,
            "status": "open",
            "created_at": _at(day, self.rng),
            "created_by_id": bs.staff["clerk"],
        }
        roll = self.rng.random()
        kept_late = due + dt.timedelta(days=self.rng.randint(1, 5))
        if due < self.today and roll < 0.70:
            row.update(status="kept", kept_on=due - dt.timedelta(days=self.rng.randint(0, 2)))
        elif due < self.today and roll < 0.80 and kept_late < self.today:
            row.update(status="kept", kept_on=kept_late)
        elif due < self.today and roll < 0.85:
            row.update(status="cancelled", cancel_reason="客户已不需要。")
        if row["status"] == "kept":
            row.update(evidence="已上门演示。", closed_by_id=owner)
            row["closed_at"] = _at(row["kept_on"], self.rng)
        elif row["status"] == "cancelled":
            row.update(closed_by_id=owner, closed_at=_at(due, self.rng))
        rows.commitments.append(row)

    def _left(self, rows: _Rows, bs: _Branch, day: dt.date) -> None:
        rng = self.rng
        tier = self._tier()
        ended = _at(day, rng)
        created = ended - dt.timedelta(days=rng.choice([0, 1, 1, 2]), hours=rng.uniform(0, 2))
        req = self._request(
            bs,
            S.COMPLETED,
            created,
            ended,
            customer_id=self._customer(bs, tier),
            password_confirmed_at=ended,
            fee_amount=Decimal("30.00"),
            retained_documents=["form_original", "identity_copy"],
            completed_at=ended,
            completed_by_id=bs.staff["clerk"],
        )
        req["receipt_number"] = f"BH{req['id']:012d}"
        if rng.random() < 0.01:  # done after its two trading days (CSDC 2018)
            req["due_on"] = ended.date() - dt.timedelta(days=1)
        if req["wants_closure"]:
            req.update(
                closure_ready_on=ended.date(),
                closure_due_on=ended.date() + dt.timedelta(days=2),
                account_closed_at=ended,
            )
        rows.requests.append(req)
        steps = STEPS[tier]
        for i, step in enumerate(steps):
            approved = created + (ended - created) * (i + 1) / (len(steps) + 2)
            approver = (
                bs.managers[req["customer_id"] % MANAGERS]
                if step == "account_manager"
                else bs.staff[APPROVER[step]]
            )
            approval: dict[str, Any] = {
                "request_id": req["id"],
                "round": 1,
                "step": step,
                "approver_id": approver,
                "mode": "in_person",
                "approved_at": approved,
                "recorded_by_id": bs.staff["clerk"],
            }
            if step != "counter_lead" and rng.random() < 0.04:  # Art. 17: out, approves by phone
                due = approved.astimezone(BEIJING).date() + dt.timedelta(days=1)
                roll = rng.random()
                signed = None
                if roll < 0.85:
                    signed = _at(due, rng)
                elif roll < 0.93:
                    signed = _at(due + dt.timedelta(days=3), rng)
                if signed is not None and signed.date() >= self.today:
                    signed = None
                approval.update(mode="phone", sign_off_due_on=due, signed_off_at=signed)
            rows.approvals.append(approval)
        if rng.random() < 0.75:
            self._attempt(rows, bs, req, "仍决定转出。")
        rows.memos.append(self._memo(bs, req, tier, outcome=MemoOutcome.LEFT, left_on=day))
        if tier != "ordinary":  # Art. 31: the week they leave, then once a month
            ref = f"request:{req['id']}"
            customer = req["customer_id"]
            self._revisit(
                rows, bs, customer, "left_first", day + dt.timedelta(5), ref=ref, last=True
            )
            monthly = [day + dt.timedelta(days=30 * k) for k in range(1, 13)]
            monthly = [d for d in monthly if d < self.end]
            for k, due in enumerate(monthly):
                last = k == len(monthly) - 1
                self._revisit(rows, bs, customer, "left_monthly", due, ref=ref, last=last)

    def _stayed(self, rows: _Rows, bs: _Branch, day: dt.date) -> None:
        ended = _at(day, self.rng)
        created = ended - dt.timedelta(hours=self.rng.uniform(0.3, 3))
        req = self._request(
            bs, S.WITHDRAWN, created, ended, customer_id=self._customer(bs, self._tier())
        )
        rows.requests.append(req)
        if self.rng.random() < 0.9:
            self._attempt(rows, bs, req, "同意留下试用。")
        if self.rng.random() < 0.4:
            self._promise(rows, bs, req, day)

    def _deferred(self, rows: _Rows, bs: _Branch, day: dt.date) -> None:
        tier = self._tier()
        created = _at(day, self.rng)
        follow = day + dt.timedelta(days=20)
        req = self._request(
            bs,
            S.DEFERRED,
            created,
            None,
            customer_id=self._customer(bs, tier),
            follow_up_on=follow,
        )
        rows.requests.append(req)
        self._attempt(rows, bs, req, "同意暂缓办理。")
        self._promise(rows, bs, req, day)
        rows.memos.append(
            self._memo(
                bs, req, tier, outcome=MemoOutcome.DEFERRED, deferred_on=day, follow_up_on=follow
            )
        )
        due = day + dt.timedelta(days=30)  # Art. 34: contact while deferring
        if due < self.end:
            ref = f"request:{req['id']}"
            self._revisit(rows, bs, req["customer_id"], "deferred_monthly", due, ref=ref, last=True)

    def _running(self, rows: _Rows, bs: _Branch, k: int) -> None:
        """Received in the last days of the month; one in six is past its two trading days."""
        late = k % 6 == 5
        back = self.rng.randint(6, 12) if late else self.rng.randint(1, 3)
        day = max(self.end - dt.timedelta(days=back), self.last)
        created = _at(day, self.rng)
        extra: dict[str, Any] = {"customer_id": self._customer(bs, "ordinary")}
        blocked = k % 3 == 0
        if blocked:  # Art. 16: held up by a condition the core system reports
            codes = self.rng.sample(CONDITIONS, self.rng.randint(1, 2))
            extra.update(
                blocking_conditions=[{"code": c, "message": c} for c in codes],
                blocking_checked_at=created + dt.timedelta(hours=1),
            )
        state = S.BLOCKED if blocked else S.AWAITING_APPROVAL
        rows.requests.append(self._request(bs, state, created, None, **extra))

    def _access(self, rows: _Rows, bs: _Branch, days: list[dt.date]) -> None:
        """Records Art. 6: grants used within their term; now and then an entry without one."""
        archivist = bs.staff["archivist"]
        for _ in range(self.vol.access_grants_per_branch):
            record = self.rng.choice(bs.records)
            at = _at(self.rng.choice(days), self.rng)
            expires = at + dt.timedelta(days=7)
            pk = self._next("grant")
            rows.grants.append(
                {
                    "id": pk,
                    "branch_id": bs.branch.pk,
                    "record_id": record,
                    "requested_by_id": bs.staff["director"],
                    "requested_at": at,
                    "purpose": "客户投诉核查。",
                    "consent_by": "客户本人",
                    "consent_relation": "customer",
                    "consent_method": "written",
                    "consent_at": at,
                    "consent_reference": f"同意书{pk}",
                    "state": "expired" if expires.date() < self.today else "granted",
                    "decided_by_id": archivist,
                    "decided_at": at,
                    "expires_at": expires,
                }
            )
            for k in range(3):
                rows.access.append(
                    {
                        "at": at + dt.timedelta(hours=2 + k * 20),
                        "branch_id": bs.branch.pk,
                        "user_id": bs.staff["director"],
                        "record_id": record,
                        "access_request_id": pk,
                        "action": "view" if k < 2 else "download",
                        "purpose": "客户投诉核查。",
                        "client_ip": "10.0.0.8",
                    }
                )
        if self.rng.random() < 0.05:  # opened without a grant: the figure that should be 0
            rows.access.append(
                {
                    "at": _at(self.rng.choice(days), self.rng),
                    "branch_id": bs.branch.pk,
                    "user_id": bs.staff["clerk"],
                    "record_id": self.rng.choice(bs.records),
                    "action": "view",
                    "client_ip": "10.0.0.9",
                }
            )


def _load(gen: Generated, name: str, fn: Callable[[], int]) -> None:
    started = time.perf_counter()
    gen.rows[name] = gen.rows.get(name, 0) + fn()
    gen.seconds[name] = round(gen.seconds.get(name, 0.0) + time.perf_counter() - started, 2)


def generate(
    *, vol: FirmVolumes, today: dt.date, last: dt.date, say: Callable[[str], None] = print
) -> Generated:
    """Load the firm's year of events for months up to `last`; a database that already
    holds them is left as it is (the bench reuses them: drop the database to regenerate)."""
    gen = Generated(vol)
    if generated_already():
        gen.reused = True
        return gen
    started = time.perf_counter()
    g = _Generator(vol, today, last)
    sets = g.branches()
    with transaction.atomic():
        _load(gen, "customers", lambda: copy_rows(Customer, g.customers(sets)))
        _load(gen, "archive_records", lambda: copy_rows(ArchiveRecord, g.records(sets)))
    say(f"customers: {gen.rows['customers']} in {gen.seconds['customers']} s")
    for i in range(vol.months - 1, -1, -1):
        first = add_months(last, -i)
        rows = g.month(sets, first)
        tables: list[tuple[str, Any, list[dict[str, Any]]]] = [
            ("transfer_requests", TransferRequest, rows.requests),
            ("approvals", Approval, rows.approvals),
            ("retention_attempts", RetentionAttempt, rows.attempts),
            ("attempt_steps", RetentionAttempt.steps_done.through, rows.steps_done),
            ("work_memos", WorkMemo, rows.memos),
            ("commitments", Commitment, rows.commitments),
            ("revisit_tasks", RevisitTask, rows.revisits),
            ("access_requests", AccessRequest, rows.grants),
            ("access_log", AccessLogEntry, rows.access),
        ]
        with transaction.atomic():
            for name, model, table in tables:
                _load(gen, name, functools.partial(copy_rows, model, table))
        say(f"{first:%Y-%m}: {len(rows.requests)} requests, {len(rows.memos)} memos")
    reset_sequences(
        Customer,
        ArchiveRecord,
        TransferRequest,
        Approval,
        RetentionAttempt,
        RetentionAttempt.steps_done.through,
        WorkMemo,
        Commitment,
        RevisitTask,
        AccessRequest,
        AccessLogEntry,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    gen.seconds["total"] = round(time.perf_counter() - started, 2)
    say(f"generated in {gen.seconds['total']} s")
    return gen
