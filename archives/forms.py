"""Forms of the archives pages. They parse and type what was posted; the rules stay in the
services, which say what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch, Staff
from kernel.params import DayField, DayTimeField

from . import conf
from .models import (
    PAPER_METHODS,
    SCAN_KINDS,
    ArchiveRecord,
    Category,
    ConsentMethod,
    ConsentRelation,
    Medium,
    RecordStatus,
)

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Archive number, fund account, identity number, name or request number"),
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *Category.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *RecordStatus.choices], required=False
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2200)


class DraftForm(forms.Form):
    fund_account = forms.CharField(label=_("Customer's fund account"), max_length=20)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    medium = forms.ChoiceField(label=_("Medium"), choices=Medium.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    cabinet = forms.CharField(label=_("Cabinet"), max_length=40, required=False)
    box = forms.CharField(label=_("Box"), max_length=40, required=False)
    relationship_ended_on = DayField(
        label=_("Relationship ended on"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty while the customer is still with the branch."),
    )


class ScanForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What it is"), choices=[(k.value, k.label) for k in SCAN_KINDS]
    )
    file = forms.FileField(
        label=_("Scan (PDF, JPEG or PNG)"),
        help_text=_("Up to {mb} MB. The type is read from the file itself, not its name."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mb = round(conf.max_upload_bytes() / 1024 / 1024)
        self.fields["file"].help_text = str(self.fields["file"].help_text).format(mb=mb)


class ShelveForm(forms.Form):
    cabinet = forms.CharField(label=_("Cabinet"), max_length=40)
    box = forms.CharField(label=_("Box"), max_length=40)


class AccessRequestForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    consent_by = forms.CharField(label=_("Consent given by (name)"), max_length=100)
    consent_relation = forms.ChoiceField(label=_("Who that is"), choices=ConsentRelation.choices)
    consent_method = forms.ChoiceField(
        label=_("How consent was given"), choices=ConsentMethod.choices
    )
    consent_at = DayTimeField(
        label=_("When consent was given"),
        widget=DATETIME_LOCAL,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    consent_reference = forms.CharField(
        label=_("Reference (letter, call record)"), max_length=200, required=False
    )


class GrantForm(forms.Form):
    days = forms.IntegerField(label=_("Days"), min_value=1, initial=3)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].widget.attrs["max"] = conf.max_grant_days()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300)


class InventoryMarkForm(forms.Form):
    """The ticks of one page of the inventory; the item ids shown come with it."""

    shown = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    found = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)

    def __init__(self, *args: Any, item_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(pk, str(pk)) for pk in item_ids]
        self.fields["shown"].choices = choices  # type: ignore[attr-defined]
        self.fields["found"].choices = choices  # type: ignore[attr-defined]


class RecordChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ArchiveRecord) -> str:  # type: ignore[override]
        return f"{obj.number} · {obj.customer.masked_name} · {obj.retention_until}"


class DestructionRequestForm(forms.Form):
    records = RecordChoiceField(
        label=_("Records past their retention date"),
        queryset=ArchiveRecord.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    paper_method = forms.ChoiceField(
        label=_("Paper is destroyed by"), choices=[(m.value, m.label) for m in PAPER_METHODS]
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = candidates  # type: ignore[attr-defined]


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Staff) -> str:  # type: ignore[override]
        return f"{obj} ({obj.roles_display})"


class ExecuteForm(forms.Form):
    witnesses = StaffMultipleChoiceField(
        label=_("Witnesses present"),
        queryset=Staff.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, branch: Branch, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["witnesses"].queryset = (  # type: ignore[attr-defined]
            Staff.objects.filter(branch=branch, is_active=True)
            .exclude(pk=actor.pk)
            .order_by("display_name", "username")
        )
