"""Publishing the firm's norm and refining it at a branch (Art. 35–37).

The head office's marketing management publishes a version (every rule, who, when, why and
the day it takes effect); a branch's general manager or marketing director refines a rule
within it; the head office decides on the refinements of the groups a version says it
approves. A looser value is refused with the article it would break."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kernel.calendar import beijing_today
from kernel.errors import Forbidden, InvalidInput, require_same_branch
from kernel.workflow import transition_take

from .. import permissions
from ..models import Branch, Staff
from .catalog import GROUPS, ORDERED, RULES, Direction, Rule
from .models import (
    NormVersion,
    Refinement,
    RefinementAction,
    RefinementAuditEntry,
    RefinementState,
)
from .resolve import RuleSet, refinements_in_force, rule_set, rules_forget, version_in_force

LOOSER = "rule_looser_than_norm"


def _parse(rule: Rule, raw: Any) -> Any:
    try:
        return rule.parse(raw)
    except ValueError:
        raise InvalidInput(
            _("{rule}: “{value}” is not a value this rule takes.").format(
                rule=rule.label, value=raw
            ),
            details={"field": rule.key},
        ) from None


def _value(rule: Rule, raw: Any) -> Any:
    value = _parse(rule, raw)
    if not rule.within_source(value):
        bounds = [b for b in (rule.low, rule.high) if b is not None]
        raise InvalidInput(
            _("{rule}: Art. {article} allows only {low} to {high} {unit}.").format(
                rule=rule.label,
                article=rule.article,
                low=rule.display(rule.low) if rule.low is not None else "",
                high=rule.display(rule.high) if rule.high is not None else "…",
                unit=rule.unit,
            )
            if bounds
            else _("{rule}: not a value this rule takes.").format(rule=rule.label),
            details={"field": rule.key},
        )
    return value


def _check_order(values: Mapping[str, Any]) -> None:
    for low, high in ORDERED:
        if values[low] > values[high]:
            raise InvalidInput(
                _("{low} cannot be above {high}.").format(
                    low=RULES[low].label, high=RULES[high].label
                ),
                details={"field": low},
            )


def _effective(day: dt.date | None) -> dt.date:
    """Art. 36: a rule applies from the day it is issued; never from a day already past,
    so nothing already done is judged by it."""
    today = beijing_today()
    day = day or today
    if day < today:
        raise InvalidInput(
            _("A rule takes effect today or later, never on a day already past (Art. 36)."),
            details={"field": "effective_from"},
        )
    return day


@transaction.atomic
def norm_publish(
    *,
    actor: Staff,
    values: Mapping[str, Any],
    why: str,
    effective_from: dt.date | None = None,
    approval_groups: list[str] | None = None,
) -> NormVersion:
    """A new version of the firm's norm: every rule given, bounded by the source's articles;
    rules not given keep the value of the version in force."""
    if not permissions.publishes_norm(actor):
        raise Forbidden(_("Only the head office's marketing management publishes the norm."))
    why = (why or "").strip()
    if not why:
        raise InvalidInput(_("Say why this version is published."), details={"field": "why"})
    unknown = set(values) - set(RULES)
    if unknown:
        raise InvalidInput(
            _("No such rule: {names}.").format(names=", ".join(sorted(unknown))),
            details={"field": sorted(unknown)[0]},
        )
    groups = list(approval_groups or [])
    if set(groups) - set(GROUPS):
        raise InvalidInput(_("No such group of rules."), details={"field": "approval_groups"})
    day = _effective(effective_from)
    current = rule_set(None, day)
    parsed = {
        key: _value(rule, values[key]) if key in values else current[key]
        for key, rule in RULES.items()
    }
    _check_order(parsed)
    # Versions are numbered in the order they are published; the lock keeps two
    # publishers from taking the same number.
    NormVersion.objects.select_for_update().order_by().values("pk").first()
    number = (NormVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    rules_forget()
    return NormVersion.objects.create(
        number=number,
        effective_from=day,
        published_by=actor,
        why=why,
        rules={key: RULES[key].text(value) for key, value in parsed.items()},
        approval_groups=sorted(set(groups)),
    )


def refinement_refusal(rule: Rule, value: Any, norm: RuleSet) -> str | None:
    """Why a branch's value would loosen the norm (Art. 35), naming the article; None when
    it keeps to it."""
    entry = norm.entries[rule.key]
    if rule.tighter_or_equal(value, entry.norm_value):
        return None
    version = norm.version.number if norm.version else 0
    words = {
        Direction.AT_MOST: _(
            "Art. {article}: the firm's norm (version {version}) allows at most {norm} {unit}. "
            "A branch may tighten the norm, never loosen it (Art. 35)."
        ),
        Direction.AT_LEAST: _(
            "Art. {article}: the firm's norm (version {version}) requires at least {norm} "
            "{unit}. A branch may tighten the norm, never loosen it (Art. 35)."
        ),
        Direction.FIXED: _(
            "Art. {article}: the firm's norm (version {version}) sets this at {norm} {unit} "
            "for every branch."
        ),
    }[rule.direction]
    return words.format(
        article=rule.article, version=version, norm=entry.norm_display, unit=rule.unit
    )


def _audit(refinement: Refinement, actor: Staff, action: str, before: str, comment: str) -> None:
    RefinementAuditEntry.objects.create(
        refinement=refinement,
        actor=actor,
        action=action,
        from_state=before,
        to_state=refinement.state,
        comment=comment,
    )


@transaction.atomic
def refinement_propose(
    *,
    actor: Staff,
    branch: Branch,
    rule: str,
    value: Any,
    why: str,
    effective_from: dt.date | None = None,
) -> Refinement:
    """A branch's value for a rule from a day, or (value empty) its return to the norm. In
    force at once, unless the version in force asks the head office to approve that group."""
    require_same_branch(branch.pk, actor)
    if not permissions.refines_norm(actor):
        raise Forbidden(
            _("The branch's general manager or marketing director refines the norm (Art. 35).")
        )
    spec = RULES.get(rule)
    if spec is None:
        raise InvalidInput(_("No such rule."), details={"field": "rule"})
    why = (why or "").strip()
    if not why:
        raise InvalidInput(_("Say why the branch refines this rule."), details={"field": "why"})
    day = _effective(effective_from)
    current = rule_set(branch.pk, day)
    text = ""
    if str(value or "").strip():
        # The norm's own words first: a looser value is refused as a loosening (Art. 35)
        # before the source's bounds are checked.
        refusal = refinement_refusal(spec, _parse(spec, value), current)
        if refusal:
            raise InvalidInput(refusal, code=LOOSER, details={"field": "value"})
        parsed = _value(spec, value)
        _check_order({**{k: e.value for k, e in current.entries.items()}, rule: parsed})
        text = spec.text(parsed)
    needs_approval = current.version is not None and spec.group in current.version.approval_groups
    refinement = Refinement.objects.create(
        branch=branch,
        rule=rule,
        value=text,
        effective_from=day,
        why=why,
        proposed_by=actor,
        state=RefinementState.PENDING if needs_approval else RefinementState.IN_FORCE,
    )
    _audit(refinement, actor, RefinementAction.PROPOSE, "", why)
    rules_forget()
    return refinement


@transaction.atomic
def refinement_decide(
    *, refinement: Refinement, actor: Staff, approve: bool, note: str = ""
) -> Refinement:
    """The head office approves or refuses a refinement that waits for it. Approved late, it
    takes effect on the day of the approval, never before (Art. 36)."""
    locked = Refinement.objects.select_for_update().get(pk=refinement.pk)
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidInput(_("Say why the refinement is refused."), details={"field": "note"})
    fields = list(locked.record_decision(actor, note))
    if approve:
        today = beijing_today()
        if locked.effective_from < today:
            locked.effective_from = today
            fields.append("effective_from")
        # The norm may have been tightened since: the refinement must still keep to it.
        spec = RULES[locked.rule]
        if locked.value:
            refusal = refinement_refusal(
                spec, spec.parse(locked.value), rule_set(locked.branch_id, locked.effective_from)
            )
            if refusal:
                raise InvalidInput(refusal, code=LOOSER)
    transition_take(
        locked,
        "approve" if approve else "refuse",
        actor=actor,
        update_fields=fields,
        state_refusal=_("This refinement has already been decided."),
        record=lambda before, _after: _audit(
            locked,
            actor,
            RefinementAction.APPROVE if approve else RefinementAction.REFUSE,
            before,
            note,
        ),
    )
    rules_forget()
    return locked


__all__ = [
    "norm_publish",
    "refinement_decide",
    "refinement_propose",
    "refinement_refusal",
    "refinements_in_force",
    "rule_set",
    "version_in_force",
]
