"""The one form of accounts' own pages: why a customer's phone is to be shown in full."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CALL_PURPOSES


class PhoneRevealForm(forms.Form):
    """PIPL Art. 6, 51: the phone is shown for a stated purpose, recorded with the look."""

    purpose = forms.ChoiceField(
        label=_("purpose"), choices=[(p.value, p.label) for p in CALL_PURPOSES]
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)
