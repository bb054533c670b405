"""Departures (Art. 28) and the contact tasks they open."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .. import permissions
from ..forms import DepartureForm, OutcomeForm
from ..models import RetentionContactTask, StaffDeparture
from ..selectors import contact_tasks_for
from ..services import contact_task_complete, departure_reassign
from ._common import branch_object, require_reader, safe_next, status_for


@login_required
def departure_list(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require_reader(user)
    departures = StaffDeparture.objects.filter(branch_id=user.branch_id).select_related(
        "departed", "to_person", "to_team", "recorded_by"
    )
    return render(
        request,
        "retention/departures.html",
        {
            "departures": departures,
            "may_record": permissions.may_reassign_customers(user),
        },
    )


@login_required
def departure_create(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require_reader(user)
    form = DepartureForm(
        request.POST or None, branch_id=user.branch_id, initial={"left_on": beijing_today()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            departure = departure_reassign(
                departed=data["departed"],
                actor=user,
                kind=data["kind"],
                left_on=data["left_on"],
                to_person=data["to_person"],
                to_team=data["to_team"],
                note=data["note"],
            )
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            messages.success(
                request,
                _("{count} customers given to {to}, flagged and given a contact task.").format(
                    count=departure.customers_moved, to=departure.taken_over_by
                ),
            )
            return redirect("retention_departure", departure.pk)
    return render(request, "retention/departure_form.html", {"form": form}, status=status_for(form))


@login_required
def departure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    departure = branch_object(
        request,
        StaffDeparture.objects.select_related("departed", "to_person", "to_team", "recorded_by"),
        pk,
    )
    tasks = departure.tasks.select_related("customer", "customer__branch", "assigned_to")
    return render(
        request, "retention/departure_detail.html", {"departure": departure, "tasks": tasks}
    )


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require_reader(user)
    return render(
        request,
        "retention/tasks.html",
        {"tasks": contact_tasks_for(user=user), "today": beijing_today()},
    )


@login_required
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = branch_object(
        request,
        RetentionContactTask.objects.select_related("customer", "customer__branch", "team"),
        pk,
    )
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_task_complete(
                task=task,
                actor=acting_staff(request),
                outcome=form.cleaned_data["outcome"],
                client_ip=client_ip(request),
            )
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            messages.success(request, _("Task done."))
            return redirect(safe_next(request, reverse("retention_tasks")))
    return render(
        request,
        "retention/simple_form.html",
        {
            "form": form,
            "title": _("Contact done"),
            "subject": f"{task.customer} — {task.what}",
            "back_url": reverse("retention_tasks"),
        },
        status=status_for(form),
    )
