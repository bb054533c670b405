"""The forms of the norm's pages: a version (one field per rule, beside the value in force)
and a branch's refinement of one rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.params import DayField

from .catalog import GROUPS, RULES
from .resolve import RuleSet


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class NormVersionForm(forms.Form):
    effective_from = DayField(label=_("In force from"), widget=DateInput)
    why = forms.CharField(
        label=_("Why this version"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    approval_groups = forms.MultipleChoiceField(
        label=_("Refinements the head office approves"),
        choices=list(GROUPS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, current: RuleSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current.version is not None:
            self.fields["approval_groups"].initial = current.version.approval_groups
        for key, rule in RULES.items():
            entry = current.entries[key]
            if rule.kind == "choice":
                field: forms.Field = forms.ChoiceField(
                    label=rule.label, choices=list((rule.choices or {}).items())
                )
            else:
                field = forms.CharField(label=rule.label, max_length=30)
            field.initial = rule.text(entry.norm_value)
            field.help_text = rule.unit
            self.fields[key] = field

    def rule_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        by_group: dict[str, list[forms.BoundField]] = {}
        for key, rule in RULES.items():
            by_group.setdefault(rule.group, []).append(self[key])
        return [(str(GROUPS[group]), fields) for group, fields in by_group.items()]

    def values(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in RULES}


class RefinementForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"))
    value = forms.CharField(
        label=_("The branch's value"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to follow the firm's norm again."),
    )
    effective_from = DayField(label=_("In force from"), widget=DateInput)
    why = forms.CharField(
        label=_("Why the branch refines it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [  # type: ignore[attr-defined]
            (key, f"{GROUPS[rule.group]} · {rule.label}")
            for key, rule in RULES.items()
            if rule.direction != "fixed"
        ]


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
