"""Access requests: the person's own list and the archivist's queue of decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.request_context import acting_staff, client_ip

from .. import permissions, services
from ..forms import GrantForm, NoteForm, RequiredNoteForm
from ..models import AccessRequest, AccessState
from ._common import attempt, branch_access_request, require


@login_required
def my_access(request: HttpRequest) -> HttpResponse:
    requests = (
        AccessRequest.objects.filter(requested_by=acting_staff(request))
        .select_related("record", "record__customer", "decided_by")
        .order_by("-pk")[:100]
    )
    return render(request, "archives/my_access.html", {"requests": requests})


@login_required
def grants_queue(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require(permissions.may_see_grants(user))
    mine = AccessRequest.objects.filter(branch=user.branch).select_related(
        "record", "record__customer", "requested_by", "decided_by"
    )
    pending = mine.filter(state=AccessState.PENDING).order_by("requested_at")
    live = mine.filter(state=AccessState.GRANTED, expires_at__gt=timezone.now()).order_by(
        "expires_at"
    )
    context = {
        # Each row with what this person may do with it (templates read `can`).
        "pending": [(r, permissions.access_request_actions(r, user)) for r in pending],
        "live": [(r, permissions.access_request_actions(r, user)) for r in live],
        "recent": mine.exclude(state__in=[AccessState.PENDING]).order_by("-decided_at", "-pk")[:30],
        "grant_form": GrantForm(),
    }
    return render(request, "archives/grants.html", context)


@login_required
@require_POST
def grant_access(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = branch_access_request(request, pk)
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of days."))
        return redirect("archives:grants")
    return attempt(
        request,
        lambda: services.access_request_grant(
            access_request=access_request,
            actor=acting_staff(request),
            days=form.cleaned_data["days"],
            note=form.cleaned_data["note"],
            client_ip=client_ip(request),
        ),
        done=_("Access granted."),
        then=redirect("archives:grants"),
    )


@login_required
@require_POST
def refuse_access(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = branch_access_request(request, pk)
    form = RequiredNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why access is refused."))
        return redirect("archives:grants")
    return attempt(
        request,
        lambda: services.access_request_refuse(
            access_request=access_request,
            actor=acting_staff(request),
            note=form.cleaned_data["note"],
            client_ip=client_ip(request),
        ),
        done=_("Access refused."),
        then=redirect("archives:grants"),
    )


@login_required
@require_POST
def revoke_access(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = branch_access_request(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    return attempt(
        request,
        lambda: services.access_grant_revoke(
            access_request=access_request,
            actor=acting_staff(request),
            note=form.cleaned_data.get("note", ""),
            client_ip=client_ip(request),
        ),
        done=_("Access revoked."),
        then=redirect("archives:grants"),
    )
