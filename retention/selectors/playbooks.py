"""Which playbook a request follows, and what the counter page's retention panel shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Branch
from accounts.norm.hooks import RuleRow, RuleSection
from kernel.calendar import BEIJING
from transfers.models import ENDED_STATES, ChurnReason, TransferRequest

from ..models import (
    Commitment,
    CommitmentStatus,
    Playbook,
    PlaybookStep,
    RetentionAttempt,
    WorkMemo,
)

# The churn reason of Art. 27 (seeded by retention/migrations/0002_seed_reasons.py).
COMMISSION_REASON = "commission"


def playbook_current(*, reason: ChurnReason, branch: Branch | None) -> Playbook | None:
    """The branch's latest version of the reason's playbook, or the firm's when the branch
    has not published its own — or when the firm has since added a step the branch's
    version lacks (Art. 35: a branch adds, never leaves out; it publishes again)."""
    # The firm's and the branch's latest versions in one read, the steps of both with them.
    versions = Playbook.objects.filter(reason=reason).order_by("-version").values("version")
    latest = Q(branch__isnull=True, version=Subquery(versions.filter(branch__isnull=True)[:1]))
    if branch is not None:
        latest |= Q(branch=branch, version=Subquery(versions.filter(branch=branch)[:1]))
    found = list(
        Playbook.objects.filter(latest, reason=reason)
        .select_related("reason")
        .prefetch_related("steps")
    )
    firm = next((p for p in found if p.branch_id is None), None)
    own = next((p for p in found if p.branch_id is not None), None)
    if own is not None and (firm is None or _keeps(own, firm)):
        return own
    return firm


def firm_steps_left_out(firm: Playbook, steps: Iterable[tuple[str, str]]) -> list[PlaybookStep]:
    """Art. 35: the firm's steps a branch's (key, Chinese wording) steps leave out. A step is
    the firm's when it keeps its key or its wording."""
    mine: set[str] = set()
    for key, text_zh in steps:
        mine |= {key, text_zh} - {""}
    return [s for s in firm.steps.all() if s.key not in mine and s.text_zh not in mine]


def _keeps(own: Playbook, firm: Playbook) -> bool:
    return not firm_steps_left_out(firm, ((s.key, s.text_zh) for s in own.steps.all()))


def playbook_panel_context(req: TransferRequest) -> dict[str, Any]:
    """Everything `retention/_playbook_panel.html` shows for a request: the playbook of the
    primary reason (and of the others), the steps already done in earlier attempts, the
    attempts so far and the customer's open promises."""
    from .commitments import customer_retention_badges

    playbook = None
    others: list[Playbook] = []
    if req.primary_reason_id is not None:
        assert req.primary_reason is not None
        playbook = playbook_current(reason=req.primary_reason, branch=req.branch)
        # From what the request page prefetched, not a query of its own.
        for reason in [r for r in req.other_reasons.all() if r.pk != req.primary_reason_id]:
            other = playbook_current(reason=reason, branch=req.branch)
            if other is not None:
                others.append(other)
    attempts = list(
        RetentionAttempt.objects.filter(request=req)
        .select_related("playbook", "playbook__reason", "recorded_by")
        .prefetch_related("steps_done")
    )
    done_keys = {(a.playbook.reason_id, s.key) for a in attempts for s in a.steps_done.all()}

    def steps_of(pb: Playbook | None) -> list[dict[str, Any]]:
        if pb is None:
            return []
        return [
            {"step": s, "done_before": (pb.reason_id, s.key) in done_keys} for s in pb.steps.all()
        ]

    commitments = list(
        Commitment.objects.filter(customer_id=req.customer_id, status=CommitmentStatus.OPEN)
        .select_related("owner")
        .order_by("due_on")
    )
    memo = WorkMemo.objects.filter(request=req).first()
    return {
        "request_obj": req,
        "playbook": playbook,
        "steps": steps_of(playbook),
        "other_playbooks": [{"playbook": pb, "steps": steps_of(pb)} for pb in others],
        "attempts": attempts,
        "can_record": req.primary_reason_id is not None and req.state not in ENDED_STATES,
        "post_url": reverse("retention_attempt_record", args=[req.pk]),
        "commitments": commitments,
        "commitment_url": reverse("retention_commitment_create", args=[req.customer_id])
        + f"?request={req.pk}",
        "commission_url": reverse("retention_commission_agree", args=[req.customer_id])
        + f"?request={req.pk}",
        # Art. 27: the rate is offered where the customer leaves over commission.
        "offers_commission": req.primary_reason is not None
        and req.primary_reason.code == COMMISSION_REASON,
        "badges": customer_retention_badges(req.customer),
        "memo": memo,
    }


def attempts_prefetch() -> Prefetch:
    return Prefetch(
        "retention_attempts",
        queryset=RetentionAttempt.objects.select_related(
            "playbook", "recorded_by"
        ).prefetch_related("steps_done"),
    )


def playbooks_in_force(branch_id: int, on: dt.date) -> RuleSection:
    """The branch's rule set's playbooks on a day (accounts/norm/hooks.py): per reason, the
    version a clerk sees — the branch's own while it keeps every firm step, else the firm's."""
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min, tzinfo=BEIJING)
    published = (
        # The firm's first versions are the source's own (seeded with the app): in force
        # however early the day.
        Playbook.objects.filter(Q(published_at__lt=end) | Q(branch__isnull=True, version=1))
        .filter(Q(branch__isnull=True) | Q(branch_id=branch_id))
        .select_related("reason")
        .prefetch_related("steps")
        .order_by("reason__sort_order", "-version")
    )
    firm: dict[int, Playbook] = {}
    own: dict[int, Playbook] = {}
    for playbook in published:
        (own if playbook.branch_id else firm).setdefault(playbook.reason_id, playbook)
    rows = []
    for reason_id, firm_version in firm.items():
        mine = own.get(reason_id)
        shown = mine if mine is not None and _keeps(mine, firm_version) else firm_version
        rows.append(
            RuleRow(
                label=shown.reason.name,
                article=str(shown.reason.article or "20–28"),
                value=_("{n} steps").format(n=len(shown.steps.all())),
                from_branch=shown.branch_id is not None,
                source=(
                    _("The branch's version {n}") if shown.branch_id else _("Firm version {n}")
                ).format(n=shown.version),
            )
        )
    return RuleSection(key="playbooks", label=_("Playbooks per reason (Art. 20–28)"), rows=rows)


def attempts_count() -> Any:
    """How many retention attempts were recorded on the request at OuterRef("pk"): shown on
    the approvals queue's rows (transfers.hooks.on_queue_count), so the approver sees what
    the counter tried (Art. 8(4), 29) before opening the request."""
    counted = (
        RetentionAttempt.objects.filter(request=OuterRef("pk"))
        .order_by()
        .values("request")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
