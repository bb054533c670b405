"""The approver's recall of their own approval, from the request page (services/recall.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .. import services
from ..forms import RecallForm
from .actions import _post, _run


@login_required
def request_recall(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        form=RecallForm(_post(request)),
        form_name="recall_form",
        done=_("Your approval is recalled: the request waits for that step again."),
        call=lambda req, user, data, ip: services.approval_recall(
            request=req, actor=user, reason=data["reason"], client_ip=ip
        ),
    )
