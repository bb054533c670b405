"""The norm's pages: the head office's (the versions, publishing one, every branch's
refinements and deciding on them) and a branch's resolved rule set, with where each rule
comes from and the refinements its supervisors propose."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.params import query_date
from kernel.request_context import acting_staff
from kernel.web import refusal

from .. import permissions
from ..models import Branch
from .catalog import GROUPS, RULES
from .forms import DecisionForm, NormVersionForm, RefinementForm
from .hooks import rule_set_sections
from .models import NormVersion, Refinement, RefinementState
from .resolve import RuleSet, rule_set
from .services import norm_publish, refinement_decide, refinement_propose


def _grouped(rules: RuleSet) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for key, entry in rules.entries.items():
        group = groups.setdefault(
            entry.rule.group,
            {"key": entry.rule.group, "label": GROUPS[entry.rule.group], "rows": []},
        )
        group["rows"].append({"key": key, "entry": entry})
    return list(groups.values())


def _rules_page(
    request: HttpRequest, branch: Branch, *, form: RefinementForm | None, status: int = 200
) -> HttpResponse:
    on = query_date(request, "on", default=beijing_today())
    assert on is not None
    rules = rule_set(branch.pk, on)
    history = (
        Refinement.objects.filter(branch=branch)
        .select_related("proposed_by", "decided_by")
        .order_by("-proposed_at", "-pk")[:100]
    )
    return render(
        request,
        "accounts/rules.html",
        {
            "branch": branch,
            "on": on,
            "rules": rules,
            "groups": _grouped(rules),
            "sections": rule_set_sections(branch.pk, on),
            "history": history,
            "form": form,
            "upcoming": NormVersion.objects.filter(effective_from__gt=on).order_by(
                "effective_from", "number"
            ),
        },
        status=status,
    )


@login_required
def branch_rules(request: HttpRequest) -> HttpResponse:
    """The branch's rules on a day (?on=YYYY-MM-DD): the firm's norm as the branch refines
    it (Art. 35); the general manager and marketing director propose a refinement here."""
    user = acting_staff(request)
    if permissions.sees_every_branch(user) and user.branch_id is None:
        return redirect("norm")
    if not permissions.reads_rules(user):
        raise PermissionDenied
    branch = user.own_branch
    may_refine = permissions.refines_norm(user)
    if request.method == "POST":
        if not may_refine:
            raise PermissionDenied
        form = RefinementForm(request.POST)
        if form.is_valid():
            try:
                refinement = refinement_propose(actor=user, branch=branch, **form.cleaned_data)
            except ApplicationError as error:
                refusal(request, error, form)
            else:
                if refinement.state == RefinementState.PENDING:
                    messages.success(
                        request, _("Refinement proposed: it waits for the head office.")
                    )
                else:
                    messages.success(request, _("Refinement recorded."))
                return redirect("branch_rules")
        return _rules_page(request, branch, form=form, status=400)
    blank = RefinementForm(initial={"effective_from": beijing_today()}) if may_refine else None
    return _rules_page(request, branch, form=blank)


def _head_office(request: HttpRequest) -> Any:
    user = acting_staff(request)
    if not permissions.sees_every_branch(user):
        raise PermissionDenied
    return user


@login_required
@require_GET
def branch_rules_for_head_office(request: HttpRequest, pk: int) -> HttpResponse:
    _head_office(request)
    return _rules_page(request, get_object_or_404(Branch, pk=pk), form=None)


@login_required
def norm(request: HttpRequest) -> HttpResponse:
    """The firm's norm: the version in force and those to come, every version's who, when
    and why, every branch's refinements; marketing management publishes a version here."""
    user = _head_office(request)
    today = beijing_today()
    current = rule_set(None, today)
    may_publish = permissions.publishes_norm(user)
    form = None
    status = 200
    if request.method == "POST":
        if not may_publish:
            raise PermissionDenied
        form = NormVersionForm(request.POST, current=current)
        if form.is_valid():
            try:
                version = norm_publish(
                    actor=user,
                    values=form.values(),
                    why=form.cleaned_data["why"],
                    effective_from=form.cleaned_data["effective_from"],
                    approval_groups=form.cleaned_data["approval_groups"],
                )
            except ApplicationError as error:
                refusal(request, error, form)
            else:
                messages.success(
                    request,
                    _("Version {n} published, in force from {day}.").format(
                        n=version.number, day=version.effective_from.isoformat()
                    ),
                )
                return redirect("norm")
        status = 400
    elif may_publish:
        form = NormVersionForm(current=current, initial={"effective_from": today})
    refinements = Refinement.objects.select_related("branch", "proposed_by", "decided_by").order_by(
        "state", "branch__code", "rule", "-effective_from", "-pk"
    )
    return render(
        request,
        "accounts/norm.html",
        {
            "current": current,
            "groups": _grouped(current),
            "versions": NormVersion.objects.select_related("published_by").order_by("-number"),
            "refinements": [
                {"refinement": r, "rule": RULES.get(r.rule)} for r in refinements[:300]
            ],
            "branches": Branch.objects.order_by("code"),
            "form": form,
            "may_decide": may_publish,
            "decision_form": DecisionForm(),
            "today": today,
        },
        status=status,
    )


@login_required
@require_POST
def refinement_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _head_office(request)
    refinement = get_object_or_404(Refinement, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or refuse."))
        return redirect("norm")
    try:
        refinement_decide(
            refinement=refinement,
            actor=user,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        refusal(request, error)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("norm")
