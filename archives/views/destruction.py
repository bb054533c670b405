"""Destruction: the request listing records past their retention date, the company head's
decision, the execution in front of witnesses, and the record kept of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .. import permissions, selectors, services
from ..forms import DestructionRequestForm, ExecuteForm, NoteForm, RequiredNoteForm
from ..models import DestructionRequest
from ._common import (
    attempt,
    branch_destruction,
    require,
)


@login_required
def destruction_list(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require(permissions.may_see_destruction(user))
    candidates = selectors.destruction_candidates(branch=user.branch, today=beijing_today())
    form = DestructionRequestForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        require(permissions.may_request_destruction(user))
        if form.is_valid():
            try:
                created = services.destruction_request_create(
                    actor=user,
                    records=form.cleaned_data["records"],
                    reason=form.cleaned_data["reason"],
                    paper_method=form.cleaned_data["paper_method"],
                    client_ip=client_ip(request),
                )
            except ApplicationError as exc:
                refusal(request, exc, form)
            else:
                messages.success(request, _("Sent to the company head for approval."))
                return redirect("archives:destruction_detail", created.pk)
    requests = DestructionRequest.objects.filter(branch=user.branch).select_related(
        "requested_by", "decided_by"
    )[:50]
    return render(
        request,
        "archives/destruction_list.html",
        {
            "form": form,
            "candidates": candidates,
            "requests": requests,
            "can": {"request_destruction": permissions.may_request_destruction(user)},
        },
        status=400 if form.errors else 200,
    )


@login_required
def destruction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    destruction = branch_destruction(request, pk)
    user = acting_staff(request)
    require(permissions.may_see_destruction(user))
    context = {
        "destruction": destruction,
        "can": permissions.destruction_actions(destruction, user),
        "records": destruction.records.select_related("customer").order_by("number"),
        "kept": getattr(destruction, "destruction_record", None),
        "decision_form": NoteForm(),
        "execute_form": ExecuteForm(branch=user.branch, actor=user),
        "events": destruction.events.select_related("actor"),
    }
    return render(request, "archives/destruction_detail.html", context)


@login_required
@require_POST
def destruction_approve(request: HttpRequest, pk: int) -> HttpResponse:
    destruction = branch_destruction(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    return attempt(
        request,
        lambda: services.destruction_request_approve(
            destruction_request=destruction,
            actor=acting_staff(request),
            note=form.cleaned_data.get("note", ""),
            client_ip=client_ip(request),
        ),
        done=_("Approved: the archivist may now destroy these records."),
        then=redirect("archives:destruction_detail", destruction.pk),
    )


@login_required
@require_POST
def destruction_reject(request: HttpRequest, pk: int) -> HttpResponse:
    destruction = branch_destruction(request, pk)
    form = RequiredNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the destruction is rejected."))
        return redirect("archives:destruction_detail", destruction.pk)
    return attempt(
        request,
        lambda: services.destruction_request_reject(
            destruction_request=destruction,
            actor=acting_staff(request),
            note=form.cleaned_data["note"],
            client_ip=client_ip(request),
        ),
        done=_("Rejected."),
        then=redirect("archives:destruction_detail", destruction.pk),
    )


@login_required
@require_POST
def destruction_execute(request: HttpRequest, pk: int) -> HttpResponse:
    destruction = branch_destruction(request, pk)
    user = acting_staff(request)
    form = ExecuteForm(request.POST, branch=user.branch, actor=user)
    if not form.is_valid():
        messages.error(request, _("Tick the witnesses present."))
        return redirect("archives:destruction_detail", destruction.pk)
    return attempt(
        request,
        lambda: services.destruction_request_execute(
            destruction_request=destruction,
            actor=user,
            witnesses=form.cleaned_data["witnesses"],
            note=form.cleaned_data["note"],
            client_ip=client_ip(request),
        ),
        done=_("Destroyed. The destruction record is kept."),
        then=redirect("archives:destruction_detail", destruction.pk),
    )
