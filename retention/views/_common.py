"""What every retention page shares: the user's branch, the reader gate, and turning a
service's refusal into something the user reads (never a 500)."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Staff
from kernel.request_context import acting_staff

from .. import permissions

M = TypeVar("M", bound=Model)


def require_reader(user: Staff) -> None:
    """The archivist and company head work on the archives, not on retention."""
    if not permissions.reads_retention(user):
        raise PermissionDenied


def branch_object(
    request: HttpRequest, queryset: QuerySet[M], pk: int, lookup: str = "branch"
) -> M:
    """An object of the user's own branch; another branch's is a 404."""
    user = acting_staff(request)
    obj = get_object_or_404(queryset.filter(**{lookup: user.branch_id}), pk=pk)
    require_reader(user)
    return obj


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def status_for(form: BaseForm) -> int:
    return 400 if form.is_bound and form.errors else 200
