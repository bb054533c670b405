"""Forms of the retention pages. They only collect input: the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Staff
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from kernel.params import DayField

from .models import DepartureKind, Playbook, ServiceTeam, WorkMemo
from .permissions import RETENTION_ROLES

DATE = forms.DateInput(attrs={"type": "date"})


class AttemptForm(forms.Form):
    steps = forms.TypedMultipleChoiceField(
        label=_("What was done"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    customer_answer = forms.CharField(
        label=_("The customer's answer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, playbook: Playbook, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        steps = cast(forms.TypedMultipleChoiceField, self.fields["steps"])
        steps.choices = [(s.pk, s.text) for s in playbook.steps.all()]


class CommitmentForm(forms.Form):
    what = forms.CharField(label=_("What was promised"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Staff.objects.none())
    within_trading_days = forms.IntegerField(
        label=_("Due within (trading days)"),
        required=False,
        min_value=0,
        max_value=250,
        help_text=_("Or give a date below. Empty: the branch's usual period."),
    )
    due_on = DayField(label=_("Due on"), required=False, widget=DATE)

    def __init__(self, *args: Any, branch_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = staff_with_roles(
            branch_id, *RETENTION_ROLES
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("due_on") and data.get("within_trading_days") is not None:
            raise forms.ValidationError(_("Give a due date or a number of trading days, not both."))
        return data


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        label=_("What shows it was kept"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=300)


class CommissionForm(forms.Form):
    rate_per_10000 = forms.DecimalField(
        label=_("Rate (‱)"),
        help_text=_("Per ten thousand of the amount traded: 2.5 means 万分之2.5 (0.00025)."),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    @property
    def rate(self) -> Decimal:
        return (self.cleaned_data["rate_per_10000"] / Decimal(10000)).quantize(Decimal("0.000001"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ComplaintForm(forms.Form):
    summary = forms.CharField(label=_("What the customer complains of"), max_length=300)
    received_on = DayField(label=_("Received on"), required=False, widget=DATE)


class ResolutionForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("What the customer said"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DepartureForm(forms.Form):
    departed = forms.ModelChoiceField(label=_("Who left"), queryset=Staff.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=DepartureKind.choices)
    left_on = DayField(label=_("Left on"), widget=DATE)
    to_person = forms.ModelChoiceField(
        label=_("Give the customers to"), queryset=Staff.objects.none(), required=False
    )
    to_team = forms.ModelChoiceField(
        label=_("…or to the service team"), queryset=ServiceTeam.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, branch_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Anyone of the branch who still has customers, active or already switched off.
        fields = {
            name: cast(forms.ModelChoiceField, self.fields[name])
            for name in ("departed", "to_person", "to_team")
        }
        fields["departed"].queryset = (
            Staff.objects.filter(branch_id=branch_id)
            .filter(Q(managed_customers__branch_id=branch_id))
            .distinct()
            .order_by("display_name", "username")
        )
        fields["to_person"].queryset = staff_with_roles(branch_id, Role.ACCOUNT_MANAGER)
        fields["to_team"].queryset = ServiceTeam.objects.filter(branch_id=branch_id, active=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("to_person")) == bool(data.get("to_team")):
            raise forms.ValidationError(
                _("Give the customers to one person or to one service team.")
            )
        return data


class MemoForm(forms.ModelForm):
    class Meta:
        model = WorkMemo
        fields = ["main_reasons", "contact_phone", "follow_up_on", "follow_up_notes"]
        # The model's DateField would take any year Python holds.
        field_classes = {"follow_up_on": DayField}
        widgets = {
            "main_reasons": forms.Textarea(attrs={"rows": 3}),
            "follow_up_notes": forms.Textarea(attrs={"rows": 5}),
            "follow_up_on": DATE,
        }
