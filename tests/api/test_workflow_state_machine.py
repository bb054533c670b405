"""Attack test: random sequences of workflow actions, by random people of the branch and of
another branch, through the services the API and the pages call. Whatever the order, no
request reaches a forbidden state:
- completed without every approval its tier needs (in the final round);
- completed while a blocking condition held when processing started;
- processed (completed) twice, or a receipt number reused;
- an action by another branch's staff accepted."""

import datetime as dt
import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from accounts.models import Staff
from core_system.adapters import get_core_system
from kernel.errors import ApplicationError
from tests.accounts.factories import TRADING_PASSWORD
from tests.builders import WRONG_PASSWORD, make_branch, reason, set_core_state
from transfers import approval_rules as rules
from transfers import services
from transfers.models import (
    Approval,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
    required_documents,
)
from transfers.services.processing import required_retained

_codes = itertools.count()
# Completions seen over all runs: a machine that never completes a request proves nothing.
COMPLETED_SEEN: list[int] = []
ROLES = ["clerk", "lead", "am", "md", "gm", "auditor"]


class TransferWorkflow(RuleBasedStateMachine):
    requests = Bundle("requests")

    @initialize()
    def set_up(self):
        # Each run in a savepoint rolled back at teardown: runs do not see each other.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        n = next(_codes)
        self.home = make_branch(f"H{n:04d}")
        self.away = make_branch(f"A{n:04d}")
        self.customers = [
            self.home.customer("ordinary"),
            self.home.customer("important"),
            self.home.institution(sz_account="", sh_designated_here=True),
        ]
        self.blocked_at_start: set[int] = set()

    def teardown(self):
        if hasattr(self, "atomic"):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    def person(self, role: str, foreign: bool) -> Staff:
        return getattr(self.away if foreign else self.home, role)

    def attempt(self, req: TransferRequest, actor: Staff, call) -> None:
        before = TransferRequest.objects.values_list("state", flat=True).get(pk=req.pk)
        entries = TransferAuditEntry.objects.filter(request_id=req.pk).count()
        try:
            call()
        except ApplicationError:
            # A refusal changes nothing (a wrong password only counts the try).
            return
        if actor.branch_id != req.branch_id:
            after = TransferRequest.objects.values_list("state", flat=True).get(pk=req.pk)
            raise AssertionError(
                f"another branch's {sorted(actor.role_names)} was accepted: {before}→{after}, "
                f"{TransferAuditEntry.objects.filter(request_id=req.pk).count() - entries} rows"
            )

    @rule(target=requests, customer=st.integers(0, 2), items=st.sampled_from(["sh", "close"]))
    def create(self, customer, items):
        c = self.customers[customer]
        asked = {"wants_sh_revocation": True} if items == "sh" else {"wants_closure": True}
        try:
            return services.transfer_request_create(customer=c, actor=self.home.clerk, **asked)
        except ApplicationError:
            # Already open (or refused): go on with the customer's latest request, if any.
            latest = TransferRequest.objects.filter(customer=c).order_by("-pk").first()
            return latest if latest is not None else multiple()

    @rule(req=requests, times=st.integers(1, 10))
    def advance(self, req, times):
        """The right next steps by the right people, so runs reach the late states too."""
        for _ in range(times):
            self._advance_once(req)

    @rule(req=requests, times=st.integers(1, 10))
    def advance_further(self, req, times):
        # A second rule doing the same weighs the happy path against the random actions.
        self.advance(req, times)

    def _advance_once(self, req):
        fresh = TransferRequest.objects.select_related("customer").get(pk=req.pk)
        h, S = self.home, TransferState
        kinds = required_documents(customer_kind=fresh.customer.kind, by_agent=fresh.by_agent)
        steps = {
            S.RECEIVED: lambda: services.transfer_documents_verify(
                request=fresh, actor=h.clerk, checked=kinds
            ),
            S.DOCUMENTS_VERIFIED: lambda: services.transfer_reason_record(
                request=fresh, actor=h.clerk, primary_reason=reason()
            ),
            S.RETENTION: lambda: services.transfer_go_on(request=fresh, actor=h.clerk),
            S.AWAITING_APPROVAL: lambda: self._next_approval(fresh),
            S.BLOCKED: lambda: services.transfer_recheck(request=fresh, actor=h.clerk),
            S.DEFERRED: lambda: services.transfer_resume(request=fresh, actor=h.clerk),
            S.APPROVED: lambda: self._start(fresh, h.clerk),
            S.PROCESSING: lambda: (
                services.transfer_complete(
                    request=fresh,
                    actor=h.clerk,
                    retained=[str(k) for k in required_retained(fresh)],
                )
                if fresh.password_confirmed_at
                else services.transfer_confirm_password(
                    request=fresh, actor=h.clerk, password=TRADING_PASSWORD
                )
            ),
            S.PASSWORD_LOCKED: lambda: services.transfer_unlock_password(
                request=fresh, actor=h.md, comment="核实为本人"
            ),
        }
        if fresh.state in steps:
            self.attempt(fresh, h.clerk, steps[fresh.state])

    def _next_approval(self, req):
        by_step = {
            "counter_lead": self.home.lead,
            "account_manager": self.home.am,
            "marketing_director": self.home.md,
            "general_manager": self.home.gm,
        }
        done = {a.step for a in Approval.objects.filter(request=req, round=req.approval_round)}
        open_now = rules.open_steps(rules.route_for(req), done)
        if open_now:
            services.transfer_approve(request=req, actor=by_step[open_now[0]])

    @rule(
        req=requests,
        role=st.sampled_from(ROLES),
        foreign=st.booleans(),
        step=st.sampled_from(
            [
                "documents",
                "reason",
                "go_on",
                "stays",
                "defer",
                "resume",
                "approve",
                "send_back",
                "recheck",
                "start",
                "password_ok",
                "password_wrong",
                "unlock",
                "complete",
                "refuse",
            ]
        ),
    )
    def act(self, req, role, foreign, step):
        actor = self.person(role, foreign)
        fresh = TransferRequest.objects.select_related("customer").get(pk=req.pk)
        kinds = required_documents(customer_kind=fresh.customer.kind, by_agent=fresh.by_agent)
        calls = {
            "documents": lambda: services.transfer_documents_verify(
                request=fresh, actor=actor, checked=kinds
            ),
            "reason": lambda: services.transfer_reason_record(
                request=fresh, actor=actor, primary_reason=reason()
            ),
            "go_on": lambda: services.transfer_go_on(request=fresh, actor=actor),
            "stays": lambda: services.transfer_customer_stays(request=fresh, actor=actor),
            "defer": lambda: services.transfer_defer(
                request=fresh, actor=actor, follow_up_on=dt.date(2026, 12, 10)
            ),
            "resume": lambda: services.transfer_resume(request=fresh, actor=actor),
            "approve": lambda: services.transfer_approve(request=fresh, actor=actor),
            "send_back": lambda: services.transfer_send_back(
                request=fresh, actor=actor, comment="again"
            ),
            "recheck": lambda: services.transfer_recheck(request=fresh, actor=actor),
            "start": lambda: self._start(fresh, actor),
            "password_ok": lambda: services.transfer_confirm_password(
                request=fresh, actor=actor, password=TRADING_PASSWORD
            ),
            "password_wrong": lambda: services.transfer_confirm_password(
                request=fresh, actor=actor, password=WRONG_PASSWORD
            ),
            "unlock": lambda: services.transfer_unlock_password(
                request=fresh, actor=actor, comment="核实为本人"
            ),
            "complete": lambda: services.transfer_complete(
                request=fresh, actor=actor, retained=[str(k) for k in required_retained(fresh)]
            ),
            "refuse": lambda: services.transfer_refuse(request=fresh, actor=actor, reason="x"),
        }
        self.attempt(fresh, actor, calls[step])

    def _start(self, req, actor):
        held = get_core_system().blocking_conditions(req.customer, on=dt.date(2026, 11, 25))
        result = services.transfer_start_processing(request=req, actor=actor)
        if result.state == TransferState.PROCESSING and held:
            self.blocked_at_start.add(req.pk)
        return result

    @rule(
        req=requests,
        recorder=st.sampled_from(["clerk", "lead"]),
        approver=st.sampled_from(ROLES),
        foreign=st.booleans(),
    )
    def phone_approval(self, req, recorder, approver, foreign):
        actor = self.person(recorder, foreign)
        fresh = TransferRequest.objects.get(pk=req.pk)
        self.attempt(
            fresh,
            actor,
            lambda: services.transfer_record_phone_approval(
                request=fresh, actor=actor, approver=self.person(approver, foreign)
            ),
        )

    @rule(customer=st.integers(0, 2), blocked=st.booleans())
    def core_system_changes(self, customer, blocked):
        set_core_state(self.customers[customer], open_bond_repo=blocked)

    @invariant()
    def nothing_forbidden_happened(self):
        if not hasattr(self, "home"):
            return
        completed = TransferRequest.objects.filter(
            branch=self.home.branch, state=TransferState.COMPLETED
        ).select_related("customer", "customer__branch")
        receipts = [r.receipt_number for r in completed]
        assert all(receipts) and len(receipts) == len(set(receipts)), receipts
        for req in completed:
            done = set(
                Approval.objects.filter(request=req, round=req.approval_round).values_list(
                    "step", flat=True
                )
            )
            assert rules.is_complete(rules.route_for(req), done), (req.pk, done)
            assert req.blocking_checked_at is not None and req.blocking_conditions == []
            assert req.pk not in self.blocked_at_start
            assert req.password_confirmed_at is not None
            assert TransferAuditEntry.objects.filter(request=req, action="complete").count() == 1
        assert not TransferRequest.objects.filter(branch=self.away.branch).exists()
        COMPLETED_SEEN.extend(r.pk for r in completed)


@pytest.mark.django_db
def test_no_sequence_of_actions_reaches_a_forbidden_state():
    run_state_machine_as_test(
        TransferWorkflow,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert COMPLETED_SEEN, "no run completed a request: the machine explores too little"
