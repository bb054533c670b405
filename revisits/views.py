"""The revisit pages: each person's list, the late list, a task and its record form, the
rules, and on-site events. Every look-up is scoped to the user's branch: another branch's
record is a 404. Who may do what is revisits/permissions.py's to say."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Customer, Staff
from kernel.calendar import CalendarUnknown, TradingCalendar, beijing_today
from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from . import permissions, selectors, services
from .forms import (
    EventForm,
    IdsForm,
    InviteFilterForm,
    ReassignForm,
    RecordForm,
)
from .models import RevisitEvent, RevisitTask


def _reader(request: HttpRequest) -> Staff:
    user = acting_staff(request)
    if not permissions.reads_revisits(user):
        raise PermissionDenied
    return user


def _overseer(request: HttpRequest) -> Staff:
    user = _reader(request)
    if not permissions.oversees(user):
        raise PermissionDenied
    return user


def _next_trading_day(today):  # type: ignore[no-untyped-def]
    try:
        return TradingCalendar().next_trading_day(today)
    except CalendarUnknown:
        return None


@login_required
def revisit_list(request: HttpRequest) -> HttpResponse:
    """An owner's revisits: today's and the late ones, the next trading day's plan, later."""
    user = _reader(request)
    today = beijing_today()
    tomorrow = _next_trading_day(today)
    upcoming = list(selectors.tasks_upcoming(owner=user, after=today))
    context = {
        "today": today,
        "tomorrow": tomorrow,
        "due": list(selectors.tasks_for_owner(owner=user, until=today)),
        "next_day": [t for t in upcoming if t.due_on == tomorrow],
        "later": [t for t in upcoming if tomorrow is None or t.due_on > tomorrow],
        "recent": list(selectors.tasks_recent_done(owner=user)),
        "oversees": permissions.oversees(user),
        "late_count": selectors.tasks_late(branch_id=user.branch_pk, today=today).count(),
    }
    return render(request, "revisits/task_list.html", context)


@login_required
def revisit_late(request: HttpRequest) -> HttpResponse:
    """Everything late in the branch: the marketing director's list (Art. 31)."""
    user = _overseer(request)
    today = beijing_today()
    late = list(selectors.tasks_late(branch_id=user.branch_pk, today=today))
    return render(request, "revisits/late_list.html", {"today": today, "tasks": late})


def _branch_task(request: HttpRequest, pk: int) -> tuple[Staff, RevisitTask]:
    user = acting_staff(request)
    task = get_object_or_404(selectors.task_list_queryset(user.branch_id), pk=pk)
    _reader(request)
    return user, task


def _render_task(
    request: HttpRequest,
    user: Staff,
    task: RevisitTask,
    form: RecordForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can = permissions.available_actions(task, user)
    context = {
        "task": task,
        "today": beijing_today(),
        "can": can,
        "form": form or (RecordForm(task=task) if can["record"] else None),
        "reassign_form": ReassignForm(branch=user.own_branch, initial={"owner": task.owner_id})
        if can["reassign"]
        else None,
        "trail": list(selectors.task_trail(task=task)),
        "history": [
            t for t in selectors.customer_history(customer=task.customer) if t.pk != task.pk
        ][:20],
    }
    return render(request, "revisits/task_detail.html", context, status=status)


@login_required
def revisit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The task page; recording the revisit is its form (POST here)."""
    user, task = _branch_task(request, pk)
    if request.method != "POST":
        return _render_task(request, user, task)
    form = RecordForm(request.POST, task=task)
    if form.is_valid():
        try:
            done = services.revisit_record(
                task=task, actor=user, client_ip=client_ip(request), **form.cleaned_data
            )
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            if done.next_task_id:
                messages.success(
                    request,
                    _("Revisit recorded. Next contact due {date}.").format(
                        date=done.next_task.due_on.isoformat()  # type: ignore[union-attr]
                    ),
                )
            else:
                messages.success(request, _("Revisit recorded."))
            return redirect("revisit_detail", pk=task.pk)
    return _render_task(request, user, task, form=form, status=400)


@login_required
@require_POST
def revisit_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    user, task = _branch_task(request, pk)
    form = ReassignForm(request.POST, branch=user.own_branch)
    if form.is_valid():
        try:
            services.revisit_reassign(
                task=task,
                actor=user,
                owner=form.cleaned_data["owner"],
                client_ip=client_ip(request),
            )
        except ApplicationError as error:
            refusal(request, error)
        else:
            messages.success(request, _("Revisit reassigned."))
    else:
        messages.error(request, _("Choose the new owner."))
    return redirect("revisit_detail", pk=task.pk)


@login_required
def revisit_rules(request: HttpRequest) -> HttpResponse:
    """The revisit rules are part of the branch's rule set (the firm's norm as the branch
    refines it, Art. 35): one page holds them all."""
    _overseer(request)
    return redirect(f"{reverse('branch_rules')}#revisits")


# --- Art. 33: events ---------------------------------------------------------------------


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    return render(
        request,
        "revisits/event_list.html",
        {
            "events": list(selectors.events_for_branch(user.branch_pk)),
            "can_create": permissions.may_organise_events(user),
        },
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    if not permissions.may_organise_events(user):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=user, **form.cleaned_data)
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            messages.success(request, _("Event created: now invite customers."))
            return redirect("revisit_event_detail", pk=event.pk)
    return render(
        request,
        "revisits/event_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _branch_event(request: HttpRequest, pk: int) -> tuple[Staff, RevisitEvent]:
    user = acting_staff(request)
    event = get_object_or_404(selectors.events_for_branch(user.branch_id), pk=pk)
    _reader(request)
    return user, event


def _candidates(user: Staff, data: QueryDict | None) -> tuple[InviteFilterForm, list[Customer]]:
    form = InviteFilterForm(data, branch=user.own_branch)
    filters = form.cleaned_data if form.is_valid() else {}
    manager = filters.get("account_manager")
    return form, selectors.event_candidates(
        branch=user.own_branch,
        today=beijing_today(),
        tier=filters.get("tier") or "",
        account_manager_id=manager.pk if manager else None,
        left_within_months=filters.get("left_within_months"),
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The event, who is invited and who came; the invitation list is filtered by GET."""
    user, event = _branch_event(request, pk)
    invitations = list(event.invitations.select_related("customer", "customer__branch"))
    invited = {i.customer_id for i in invitations}
    filter_form, candidates = _candidates(user, request.GET or None)
    return render(
        request,
        "revisits/event_detail.html",
        {
            "event": event,
            "invitations": invitations,
            "filter_form": filter_form,
            "candidates": [c for c in candidates if c.pk not in invited],
            "can_invite": permissions.may_invite(user),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def event_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user, event = _branch_event(request, pk)
    _filter, candidates = _candidates(user, request.GET or None)
    allowed = {c.pk: c for c in candidates}
    form = IdsForm(request.POST, choices=list(allowed))
    if not form.is_valid():
        messages.error(request, _("Tick customers from the list."))
    else:
        try:
            added = services.event_invite(
                event=event,
                actor=user,
                customers=[allowed[pk] for pk in form.cleaned_data["customers"]],
            )
        except ApplicationError as error:
            refusal(request, error)
        else:
            messages.success(request, _("{n} customer(s) invited.").format(n=added))
    return redirect("revisit_event_detail", pk=event.pk)


@login_required
@require_POST
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user, event = _branch_event(request, pk)
    invited = list(event.invitations.values_list("customer_id", flat=True))
    form = IdsForm(request.POST, choices=invited)
    if not form.is_valid():
        messages.error(request, _("Tick customers from the list."))
    else:
        try:
            came = services.event_mark_attendance(
                event=event, actor=user, attended_customer_ids=form.cleaned_data["customers"]
            )
        except ApplicationError as error:
            refusal(request, error)
        else:
            messages.success(request, _("Attendance saved: {n} came.").format(n=came))
    return redirect("revisit_event_detail", pk=event.pk)
