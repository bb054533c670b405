"""Forms of the counter pages. They parse and type what was posted; the rules (what is
required when, who may do what) stay in the services, which name what is wrong."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch, IdType, Staff
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from kernel.params import DayField

from .models import ChurnReason, DocumentKind, RetainedDocument
from .permissions import APPROVER_ROLES
from .validators import (
    AGENT_ID_MAX_LENGTH,
    AGENT_ID_TYPE_CHOICES,
    AGENT_NAME_MAX_LENGTH,
    BROKER_MAX_LENGTH,
    SEAT_MAX_LENGTH,
    request_input_problems,
)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:  # type: ignore[override]
        return f"{obj} ({obj.roles_display})"


class TransferRequestForm(forms.Form):
    """The new request. The lengths are the model's, as in the API; the formats of the seat
    and of the agent's number are checked by transfers/validators.py, as the API and the
    service check them."""

    wants_sz_transfer = forms.BooleanField(label=_("Shenzhen custody transfer"), required=False)
    sz_receiving_broker = forms.CharField(
        label=_("Receiving broker"), max_length=BROKER_MAX_LENGTH, required=False
    )
    sz_receiving_seat = forms.CharField(
        label=_("Receiving seat"),
        max_length=SEAT_MAX_LENGTH,
        required=False,
        help_text=_("Shenzhen trading seat: 6 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    wants_sh_revocation = forms.BooleanField(
        label=_("Shanghai designated-trading revocation"), required=False
    )
    wants_closure = forms.BooleanField(label=_("Fund-account closure"), required=False)
    by_agent = forms.BooleanField(label=_("An authorised agent came"), required=False)
    agent_name = forms.CharField(
        label=_("Agent's name"), max_length=AGENT_NAME_MAX_LENGTH, required=False
    )
    agent_id_type = forms.ChoiceField(
        label=_("Agent's identity document"),
        choices=AGENT_ID_TYPE_CHOICES,
        initial=IdType.RESIDENT_ID,
        required=False,
    )
    agent_id_number = forms.CharField(
        label=_("Agent's identity number"),
        max_length=AGENT_ID_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, message in request_input_problems(data).items():
            self.add_error(field, message)
        return data


class DocumentsForm(forms.Form):
    checked = forms.MultipleChoiceField(
        label=_("Documents seen and found genuine and valid"),
        choices=(),
        required=False,  # the service names whatever is missing
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, kinds: list[DocumentKind], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["checked"].choices = [(k.value, k.label) for k in kinds]  # type: ignore[attr-defined]


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the request is refused"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the identity document has expired")}),
    )


class ReasonForm(forms.Form):
    primary_reason = forms.ModelChoiceField(
        label=_("Main reason"),
        queryset=ChurnReason.objects.none(),
        empty_label=_("— ask the customer —"),
    )
    other_reasons = forms.ModelMultipleChoiceField(
        label=_("Other reasons"),
        queryset=ChurnReason.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("What the customer said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        active = ChurnReason.objects.filter(active=True)
        self.fields["primary_reason"].queryset = active  # type: ignore[attr-defined]
        self.fields["other_reasons"].queryset = active  # type: ignore[attr-defined]
        # Both lists offer the same reasons: read once when the form is first drawn (a page
        # that does not draw it reads nothing), not once a list. Validation still looks the
        # chosen ones up in `active`.
        reasons = functools.cache(lambda: [(r.pk, str(r)) for r in active])
        empty = self.fields["primary_reason"].empty_label  # type: ignore[attr-defined]
        self.fields["primary_reason"].choices = lambda: [("", empty), *reasons()]  # type: ignore[attr-defined]
        self.fields["other_reasons"].choices = reasons  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you dispute it"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UnlockForm(forms.Form):
    comment = forms.CharField(
        label=_("How the customer's identity was checked"),
        max_length=500,
        help_text=_("Required: it is kept in the request's trail."),
    )


class DeferForm(forms.Form):
    follow_up_on = DayField(label=_("Follow up on"), widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PhoneApprovalForm(forms.Form):
    approver = StaffChoiceField(label=_("Who approved by phone"), queryset=Staff.objects.none())
    note = forms.CharField(
        label=_("Note (time of the call, what was said)"), max_length=300, required=False
    )

    def __init__(self, *args, branch: Branch, exclude: Staff, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Each choice is labelled with the person's roles: read with them, not one by one.
        self.fields["approver"].queryset = (  # type: ignore[attr-defined]
            staff_with_roles(branch, *APPROVER_ROLES)
            .exclude(pk=exclude.pk)
            .prefetch_related("groups")
        )


class SendBackForm(forms.Form):
    comment = forms.CharField(label=_("Why it is sent back"), max_length=500)


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you recall your approval"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PasswordForm(forms.Form):
    # Conduct rules Q2, Q3: the customer types it. Never rendered back into the page.
    password = forms.CharField(
        label=_("Customer's trading password"),
        strip=False,
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "off", "inputmode": "numeric"}
        ),
    )


class CompleteForm(forms.Form):
    retained = forms.MultipleChoiceField(
        label=_("Kept by the branch"),
        choices=(),
        required=False,  # the service names whatever is missing
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, kinds: list[RetainedDocument], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["retained"].choices = [(k.value, k.label) for k in kinds]  # type: ignore[attr-defined]


class AppointmentBookForm(forms.Form):
    host = StaffChoiceField(label=_("With"), queryset=Staff.objects.none())
    findings = forms.CharField(
        label=_("What was learned"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, branch: Branch, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = staff_with_roles(  # type: ignore[attr-defined]
            branch, Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER
        )


class AppointmentFindingsForm(forms.Form):
    findings = forms.CharField(
        label=_("What was learned"), widget=forms.Textarea(attrs={"rows": 3})
    )
