"""The branch's revisit rules: the source's defaults, which a branch may tighten (Art. 35)
but never loosen."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Branch, Staff
from kernel.errors import Forbidden, InvalidInput, require_same_branch

from .. import permissions
from ..errors import RevisitErrorCode
from ..models import RULE_SOURCE, Channel, Direction, Reason, RevisitRule


def revisit_rules_for(*, branch: Branch) -> dict[str, RevisitRule]:
    """Every rule of the branch, created with the source's defaults the first time."""
    rules = {rule.kind: rule for rule in RevisitRule.objects.filter(branch=branch)}
    for kind, source in RULE_SOURCE.items():
        if kind in rules:
            continue
        try:
            with transaction.atomic():
                rules[kind] = RevisitRule.objects.create(
                    branch=branch, kind=kind, value=source["value"], channel=source["channel"]
                )
        except IntegrityError:
            # Another process created it a moment ago: theirs is the same default.
            rules[kind] = RevisitRule.objects.get(branch=branch, kind=kind)
    return rules


def revisit_rule_check(*, kind: str, value: int) -> None:
    """The readable refusal of a looser rule (the database refuses it too)."""
    source = RULE_SOURCE[Reason(kind)]
    article = source["article"]
    if source["direction"] == Direction.AT_MOST and value > source["max"]:
        raise InvalidInput(
            _(
                "Art. {article} allows at most {limit} {unit}: a branch may tighten the rule, "
                "not loosen it."
            ).format(article=article, limit=source["max"], unit=source["unit"]),
            code=RevisitErrorCode.RULE_TOO_LOOSE,
        )
    if source["direction"] == Direction.AT_LEAST and value < source["min"]:
        raise InvalidInput(
            _(
                "Art. {article} needs at least {limit} {unit}: a branch may tighten the rule, "
                "not loosen it."
            ).format(article=article, limit=source["min"], unit=source["unit"]),
            code=RevisitErrorCode.RULE_TOO_LOOSE,
        )
    if not source["min"] <= value <= source["max"]:
        raise InvalidInput(
            _("Choose a value from {low} to {high}.").format(low=source["min"], high=source["max"]),
        )


@transaction.atomic
def revisit_rule_set(
    *, rule: RevisitRule, actor: Staff, value: int, channel: str | None = None
) -> RevisitRule:
    require_same_branch(rule.branch_id, actor)
    if not permissions.may_edit_rules(actor):
        raise Forbidden(
            _("Only the marketing director or general manager changes the revisit rules."),
        )
    revisit_rule_check(kind=rule.kind, value=value)
    locked = RevisitRule.objects.select_for_update().get(pk=rule.pk)
    locked.value = value
    if rule.kind == Reason.INSTITUTION_VISIT:
        locked.channel = Channel.VISIT  # Art. 32: in person, whatever the setting says
    elif channel is not None:
        if channel not in Channel.values:
            raise InvalidInput(_("Unknown channel."))
        locked.channel = channel
    locked.updated_by = actor
    locked.save(update_fields=["value", "channel", "updated_by", "updated_at"])
    return locked
