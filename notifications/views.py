"""The inbox's one action: marking a notice read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from accounts.models import Staff

from .models import Notification
from .services import notification_mark_read


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Staff = request.user  # type: ignore[assignment]
    # Another person's notification is a 404, like anything that is not one's own.
    get_object_or_404(Notification, pk=pk, recipient=actor)
    notification_mark_read(notification_id=pk, actor=actor)
    return redirect("home")
