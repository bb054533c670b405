"""The home page (what needs me now, by role: for the marketing director and the general
manager also the appointments they host, what is blocked or late, the sign-offs and the
commitments due), the approvals queue, the written sign-off of a phone approval, and the
inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions as accounts_permissions
from kernel.calendar import CalendarUnknown, TradingCalendar, beijing_today
from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal
from notifications.selectors import inbox_unread

from .. import permissions, selectors, selectors_home, selectors_queue, services
from ..hooks import home_panels
from ..models import ENDED_STATES, Approval, TransferRequest, TransferState
from ..selectors_substitutes import approvals_given_for


def _with_days_left(requests, today, calendar):  # type: ignore[no-untyped-def]
    rows = []
    for req in requests:
        left = selectors.trading_days_left(req, today=today, calendar=calendar)
        rows.append({"req": req, "days_left": left, "late": left is not None and left < 0})
    return rows


def _queue_rows(requests, today, calendar):  # type: ignore[no-untyped-def]
    """Rows of the approvals queue (selectors_queue.approvals_queue, annotated)."""
    rows = _with_days_left(requests, today, calendar)
    for row, shown in zip(rows, selectors_queue.queue_rows(requests), strict=True):
        row.update(shown)
    return rows


HOME_QUEUE_ROWS = 10
HOME_DESK_ROWS = 20


def _desk(user, today, calendar) -> dict:  # type: ignore[no-untyped-def]
    """The marketing director's and general manager's part of the home page."""
    context: dict = {}
    if permissions.hosts_appointments(user):
        try:
            context["hosted"] = selectors_home.appointments_hosted(
                host=user, today=today, calendar=calendar
            )
        except CalendarUnknown:
            context["hosted"] = None  # the calendar's own warning is on every page
    if permissions.sees_blocked_requests(user) or permissions.sees_late_requests(user):
        held = selectors_home.blocked_or_late(branch_id=user.branch_id, today=today)
        context["late"] = _with_days_left(held[:HOME_DESK_ROWS], today, calendar)
        context["late_count"] = held.count()
    if permissions.sees_overdue_sign_offs(user):
        context["overdue_sign_offs"] = list(
            selectors_home.sign_offs_due(branch_id=user.branch_id, today=today)[:HOME_DESK_ROWS]
        )
    try:
        until = calendar.next_trading_day(today)
    except CalendarUnknown:
        until = today
    context["panels"] = home_panels(actor=user, today=today, until=until)
    return context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    today = beijing_today()
    if accounts_permissions.is_head_office(user):
        # The head office has no branch desk: who they are, and the pages that are theirs.
        return render(
            request,
            "transfers/home_head_office.html",
            {
                "today": today,
                "sees_every_branch": accounts_permissions.sees_every_branch(user),
                "publishes_norm": accounts_permissions.publishes_norm(user),
                "notifications": inbox_unread(user),
            },
        )
    calendar = TradingCalendar()
    context: dict = {"today": today}
    if permissions.is_approver(user):
        # The first few in the queue's own order (customers at the counter, then the longest
        # waiting); the approvals queue pages through the rest.
        awaiting = selectors_queue.approvals_queue(user)
        context["awaiting"] = _queue_rows(list(awaiting[:HOME_QUEUE_ROWS]), today, calendar)
        context["awaiting_count"] = selectors.requests_awaiting(user).count()
    context["my_sign_offs"] = list(selectors.pending_sign_offs_for(user))
    context.update(_desk(user, today, calendar))
    branch_requests = TransferRequest.objects.for_branch(user.branch).select_related(
        "customer", "customer__branch"
    )
    if permissions.sees_locked_requests(user):
        context["locked"] = list(
            branch_requests.filter(state=TransferState.PASSWORD_LOCKED).order_by("created_at")
        )
    if permissions.works_counter(user):
        context["open_requests"] = _with_days_left(
            branch_requests.exclude(state__in=ENDED_STATES)
            .exclude(state=TransferState.DEFERRED)
            .order_by("created_at"),
            today,
            calendar,
        )
        context["follow_ups"] = list(
            branch_requests.filter(state=TransferState.DEFERRED, follow_up_on__lte=today).order_by(
                "follow_up_on"
            )
        )
        context["ended_today"] = list(
            branch_requests.filter(
                state__in=ENDED_STATES, ended_at__date=timezone.localdate()
            ).order_by("-ended_at")
        )
    context["notifications"] = inbox_unread(user)
    context["is_reader"] = permissions.reads_requests(user)
    return render(request, "transfers/home.html", context)


@login_required
def approvals_queue(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    if not permissions.is_approver(user):
        raise PermissionDenied
    # Paged like the request list: one approver may hold well over a thousand at full volume.
    page = Paginator(selectors_queue.approvals_queue(user), 50).get_page(request.GET.get("page"))
    rows = _queue_rows(list(page.object_list), beijing_today(), TradingCalendar())
    return render(
        request,
        "transfers/approvals_queue.html",
        {
            "page": page,
            "rows": rows,
            "my_sign_offs": list(selectors.pending_sign_offs_for(user)),
            # On return from a substitution: what was approved in their name meanwhile.
            "done_for_me": list(approvals_given_for(user, today=beijing_today())),
        },
    )


@login_required
@require_POST
def approval_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_staff(request)
    approval = get_object_or_404(
        Approval.objects.filter(request__branch=user.branch).select_related("request"), pk=pk
    )
    try:
        services.approval_sign_off(approval=approval, actor=user, client_ip=client_ip(request))
    except ApplicationError as exc:
        refusal(request, exc)
    else:
        messages.success(
            request,
            _("Written sign-off recorded for request #{pk}.").format(pk=approval.request_id),
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    return redirect(target or "home")
