"""The second factor's pages: enrolling an authenticator app (a QR code, the secret as text,
a first code to confirm, then the recovery codes once), and the code asked after the
password (accounts/second_factor.py holds the rules)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kernel.errors import ApplicationError
from kernel.request_context import acting_staff

from . import second_factor as sf


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    return sf.safe_next(request, request.POST.get("next") or request.GET.get("next"))


@login_required
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    if sf.pending(request) == sf.VERIFY:
        # Replacing a device is for a session that proved it holds the present one.
        return redirect(f"{reverse('second_factor_verify')}?{request.GET.urlencode()}")
    device = sf.second_factor_enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = sf.second_factor_enrolment_confirm(
                request=request, user=user, token=form.cleaned_data["token"]
            )
        except ApplicationError as exc:
            form.add_error("token", exc.message)
        else:
            return render(
                request,
                "accounts/second_factor_codes.html",
                {"codes": codes, "next": _next(request)},
            )
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "qr": sf.qr_code_data_uri(device),
            "secret": sf.secret_text(device),
            "enrolled": sf.has_device(user),
            "required": sf.required_for(user),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    owed = sf.pending(request)
    if owed == sf.ENROL:
        return redirect(f"{reverse('second_factor')}?{request.GET.urlencode()}")
    if owed is None:
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sf.second_factor_verify(
                request=request, user=acting_staff(request), token=form.cleaned_data["token"]
            )
        except ApplicationError as exc:
            form.add_error("token", exc.message)
        else:
            return HttpResponseRedirect(_next(request))
    return render(
        request,
        "accounts/second_factor_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )
