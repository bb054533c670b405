"""Forms for the revisit pages. They parse and check shapes; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch, Staff
from accounts.roles import Role
from kernel.calendar import beijing_today
from kernel.params import DayField, DayTimeField

from . import permissions
from .models import Channel, Topic


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class RecordForm(forms.Form):
    done_on = DayField(label=_("Contacted on"), widget=DateInput)
    channel = forms.ChoiceField(label=_("How"), choices=Channel.choices, widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        label=_("What the revisit covered (Art. 31)"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.CharField(
        label=_("What the customer said"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    next_contact_on = DayField(
        label=_("Next contact"),
        required=False,
        widget=DateInput,
        help_text=_("Agreed with the customer; left empty, the rule's rhythm sets it."),
    )

    def __init__(self, *args, task=None, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault(
            "initial",
            {
                "done_on": beijing_today(),
                "channel": task.channel if task else Channel.PHONE,
                "topics": list(Topic.values),
            },
        )
        super().__init__(*args, **kwargs)


def branch_staff(branch: Branch):  # type: ignore[no-untyped-def]
    return Staff.objects.filter(branch=branch, is_active=True).order_by("username")


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=Staff.objects.none())

    def __init__(self, *args, branch: Branch, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            branch_staff(branch).filter(groups__name__in=permissions.OWNER_ROLES).distinct()
        )


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = DayTimeField(label=_("Starts at"), widget=DateTimeInput)
    place = forms.CharField(label=_("Place"), max_length=200)
    programme = forms.CharField(
        label=_("Programme (talks, products and services presented)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


TIER_FILTERS = [
    ("", _("Everyone who left")),
    ("priority", _("Institution, core and important")),
    ("institution", _("Institutions")),
    ("ordinary", _("Ordinary")),
]


class InviteFilterForm(forms.Form):
    tier = forms.ChoiceField(label=_("Customers"), choices=TIER_FILTERS, required=False)
    account_manager = forms.ModelChoiceField(
        label=_("Account manager"), queryset=Staff.objects.none(), required=False
    )
    left_within_months = forms.IntegerField(
        label=_("Left within (months)"), min_value=1, max_value=120, required=False
    )

    def __init__(self, *args, branch: Branch, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = branch_staff(branch).filter(  # type: ignore[attr-defined]
            groups__name=Role.ACCOUNT_MANAGER
        )


class IdsForm(forms.Form):
    """A list of ticked customers (invitations, attendance), checked against the page's own
    list by the view."""

    customers = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, choices: list[int], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["customers"].choices = [(pk, pk) for pk in choices]  # type: ignore[attr-defined]
