"""The substitutes page (/approvals/substitutes/): the branch's substitutions, naming one and
cancelling one. The rules are transfers/services/substitutes.py's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Branch, Staff
from accounts.selectors import staff_with_roles
from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.params import DayField
from kernel.request_context import acting_staff
from kernel.web import refusal

from .. import permissions, services
from ..forms import StaffChoiceField
from ..models import ApprovalStep, Substitution
from ..selectors_substitutes import approvals_given_for, substitutions_of_branch

_DATE = forms.DateInput(attrs={"type": "date"})


class SubstitutionForm(forms.Form):
    absent = StaffChoiceField(label=gettext_lazy("Absent approver"), queryset=Staff.objects.none())
    substitute = StaffChoiceField(label=gettext_lazy("Substitute"), queryset=Staff.objects.none())
    steps = forms.MultipleChoiceField(
        label=gettext_lazy("Steps the substitute takes"),
        choices=ApprovalStep.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = DayField(label=gettext_lazy("First day"), widget=_DATE)
    ends_on = DayField(label=gettext_lazy("Last day"), widget=_DATE)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, branch: Branch, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        approvers = staff_with_roles(branch, *permissions.APPROVER_ROLES)
        absent = [p.pk for p in approvers if permissions.may_name_substitute(actor, p)]
        self.fields["absent"].queryset = approvers.filter(pk__in=absent)  # type: ignore[attr-defined]
        self.fields["substitute"].queryset = approvers  # type: ignore[attr-defined]
        self.fields["absent"].initial = actor.pk
        self.actor = actor

    def save(self) -> Substitution:
        """Name the substitute through the one service (its refusals raise); the page and the
        admin both call this."""
        return services.substitution_create(actor=self.actor, **self.cleaned_data)


def named_message(made: Substitution) -> str:
    return _("{substitute} takes {absent}'s approvals from {first} to {last}.").format(
        substitute=made.substitute, absent=made.absent, first=made.starts_on, last=made.ends_on
    )


def _page(request: HttpRequest, user: Staff, form: SubstitutionForm) -> HttpResponse:
    today = beijing_today()
    rows = [
        {"s": s, "can_cancel": permissions.may_cancel_substitution(user, s) and s.ends_on >= today}
        for s in substitutions_of_branch(branch_id=user.branch_pk, today=today)
    ]
    return render(
        request,
        "transfers/substitutes.html",
        {
            "form": form,
            "rows": rows,
            "today": today,
            "done_for_me": list(approvals_given_for(user, today=today)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def substitutes(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    if not permissions.sees_substitutes(user):
        raise PermissionDenied
    branch = user.branch
    assert branch is not None  # sees_substitutes: a branch's approver
    if request.method != "POST":
        return _page(request, user, SubstitutionForm(branch=branch, actor=user))
    form = SubstitutionForm(request.POST, branch=branch, actor=user)
    if form.is_valid():
        try:
            made = form.save()
        except ApplicationError as exc:
            refusal(request, exc, form)
        else:
            messages.success(request, named_message(made))
            return redirect("approval_substitutes")
    return _page(request, user, form)


@login_required
@require_POST
def substitute_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_staff(request)
    substitution = get_object_or_404(Substitution.objects.filter(branch=user.branch), pk=pk)
    try:
        services.substitution_cancel(substitution=substitution, actor=user)
    except ApplicationError as exc:
        refusal(request, exc)
    else:
        messages.success(request, _("The substitution is cancelled."))
    return redirect("approval_substitutes")
