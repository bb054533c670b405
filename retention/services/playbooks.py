"""Playbooks (Art. 20–29) and the attempts that follow them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import Branch, Staff
from accounts.permissions import publishes_norm
from kernel.errors import Forbidden, InvalidInput, InvalidState, require_same_branch
from transfers.models import ENDED_STATES, ChurnReason, TransferRequest

from .. import permissions
from ..models import Playbook, PlaybookStep, RetentionAttempt
from ..selectors.playbooks import firm_steps_left_out, playbook_current
from ._common import clean_text, require


@dataclass(frozen=True)
class StepText:
    text_zh: str
    text_en: str = ""
    key: str = ""


def _previous_keys(reason: ChurnReason, branch: Branch | None) -> dict[str, str]:
    """Keys of the version a revision starts from, by wording: a step kept word for word is
    the same action and keeps its key."""
    previous = playbook_current(reason=reason, branch=branch)
    if previous is None:
        return {}
    keys: dict[str, str] = {}
    for step in previous.steps.all():
        keys[step.text_zh] = step.key
        if step.text_en:
            keys.setdefault(step.text_en, step.key)
    return keys


def _keeps_the_firms_steps(reason: ChurnReason, steps: Sequence[StepText]) -> None:
    """Art. 35: a branch adds steps to the firm's playbook, never leaves one out."""
    firm = playbook_current(reason=reason, branch=None)
    if firm is None:
        return
    missing = firm_steps_left_out(firm, ((s.key, s.text_zh) for s in steps))
    if missing:
        raise InvalidInput(
            _(
                "Art. {article}: the firm's playbook (version {version}) has the step “{step}”. "
                "A branch may add steps, never leave one out (Art. 35)."
            ).format(article=reason.article or "20–28", version=firm.version, step=missing[0].text),
            code="playbook_looser_than_norm",
        )


@transaction.atomic
def playbook_publish(
    *,
    reason: ChurnReason,
    branch: Branch | None,
    steps: Sequence[StepText],
    actor: Staff | None,
    note: str = "",
) -> Playbook:
    """A new version of a reason's checklist. Older versions are never changed: attempts
    keep pointing at what the clerk actually saw. A branch's marketing director or general
    manager publishes for the branch (Art. 35), keeping every step of the firm's version and
    adding its own; the firm-wide version is the head office's marketing management's, who
    publishes the norm (Art. 37)."""
    if actor is not None:
        if branch is None:
            if not (actor.is_superuser or publishes_norm(actor)):
                raise Forbidden(_("Only head office changes the firm-wide playbooks."))
        elif not actor.is_superuser:
            require_same_branch(branch.pk, actor)
            require(
                permissions.may_edit_branch_playbooks(actor),
                _("Only the marketing director or general manager edits playbooks."),
            )
    cleaned = []
    for step in steps:
        text_zh = clean_text(step.text_zh, field=_("Step"), max_length=300)
        text_en = clean_text(step.text_en, field=_("Step"), max_length=300, required=False)
        cleaned.append(StepText(text_zh, text_en, step.key.strip()))
    if not cleaned:
        raise InvalidInput(_("A playbook needs at least one step."))
    if len({s.text_zh for s in cleaned}) != len(cleaned):
        raise InvalidInput(_("Two steps have the same wording."))

    # Publishers of one reason queue here, so two revisions never take the same number.
    ChurnReason.objects.select_for_update(of=("self",)).get(pk=reason.pk)
    if branch is not None:
        _keeps_the_firms_steps(reason, cleaned)
    latest = Playbook.objects.filter(reason=reason, branch=branch).aggregate(v=Max("version"))["v"]
    known = _previous_keys(reason, branch)
    playbook = Playbook.objects.create(
        reason=reason,
        branch=branch,
        version=(latest or 0) + 1,
        note=clean_text(note, field=_("What changed"), max_length=200, required=False),
        published_by=actor,
    )
    used: set[str] = set()
    rows = []
    for position, step in enumerate(cleaned, start=1):
        key = step.key or known.get(step.text_zh) or known.get(step.text_en) or ""
        if not key or key in used:
            key = f"v{playbook.version}-{position}"
        used.add(key)
        rows.append(
            PlaybookStep(
                playbook=playbook,
                position=position,
                key=key[:40],
                text_zh=step.text_zh,
                text_en=step.text_en,
            )
        )
    PlaybookStep.objects.bulk_create(rows)
    return playbook


@transaction.atomic
def attempt_record(
    *,
    request: TransferRequest,
    actor: Staff,
    playbook: Playbook,
    steps_done: Iterable[int],
    customer_answer: str = "",
) -> RetentionAttempt:
    """Art. 8(4), 29: what was done for the customer's reason and what they answered. It
    sits beside the request: whatever is recorded here, going on stays one click."""
    require_same_branch(request.branch_id, actor)
    require(permissions.talks_with_customers(actor))
    # Read under lock so an attempt is never added to a request that has just ended.
    req = TransferRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if req.primary_reason_id is None:
        raise InvalidState(
            _("Record the customer's reason first: the playbook follows from it."),
        )
    if req.state in ENDED_STATES:
        raise InvalidState(_("The request has ended: nothing more can be recorded on it."))
    reason_ids = {req.primary_reason_id, *req.other_reasons.values_list("pk", flat=True)}
    if playbook.reason_id not in reason_ids or playbook.branch_id not in (None, req.branch_id):
        raise InvalidInput(_("That playbook is not for this customer's reasons."))
    wanted = {int(pk) for pk in steps_done}
    steps = list(PlaybookStep.objects.filter(playbook=playbook, pk__in=wanted))
    if len(steps) != len(wanted):
        raise InvalidInput(_("Some ticked steps are not in this playbook."))
    answer = clean_text(
        customer_answer, field=_("Customer's answer"), max_length=2000, required=False
    )
    if not steps and not answer:
        raise InvalidInput(_("Tick what was done or note the customer's answer."))
    attempt = RetentionAttempt.objects.create(
        request=req, playbook=playbook, customer_answer=answer, recorded_by=actor
    )
    attempt.steps_done.set(steps)
    return attempt
