"""Substitutes for a period in the admin (Art. 17: "如遇各级审核人员临时外出"): the branch's
substitutions, naming one through substitution_create and cancelling one through
substitution_cancel. A substitution is never edited or deleted: it is cancelled, and a new
one named, so what a substitute approved always points at the substitution that allowed it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import BranchScopedAdmin
from accounts.models import Staff
from accounts.selectors import staff_with_roles
from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.request_context import acting_staff
from kernel.web import refusal

from .. import permissions, services
from ..models import Substitution
from ..views.substitutes import SubstitutionForm, named_message


@admin.register(Substitution)
class SubstitutionAdmin(BranchScopedAdmin):
    """Who opens it, who names and who cancels are transfers.permissions' predicates, the
    same as the substitutes page's (/approvals/substitutes/)."""

    branch_lookup = "branch"
    list_display = (
        "absent",
        "substitute",
        "steps_display",
        "starts_on",
        "ends_on",
        "named_by",
        "cancelled_at",
        "cancelled_by",
    )
    list_select_related = ("absent", "substitute", "named_by", "cancelled_by")
    fields = (
        "absent",
        "substitute",
        "steps_display",
        "starts_on",
        "ends_on",
        "named_by",
        "reason",
        "created_at",
        "cancelled_at",
        "cancelled_by",
    )
    readonly_fields = fields
    actions = ("cancel",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = acting_staff(request)
        # The admin's sign-in page asks too, before anyone has signed in.
        if not user.is_authenticated:
            return False
        return user.is_superuser or permissions.sees_substitutes(user)

    def _nameable(self, request: HttpRequest) -> list[Staff]:
        """The approvers this person may name a substitute for: themselves, or anyone for
        the general manager."""
        actor = acting_staff(request)
        return [
            absent
            for absent in staff_with_roles(actor.branch_id, *permissions.APPROVER_ROLES)
            if permissions.may_name_substitute(actor, absent)
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(self._nameable(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        """Someone here holds at least one substitution they may cancel."""
        actor = acting_staff(request)
        running = self.get_queryset(request).filter(
            cancelled_at__isnull=True, ends_on__gte=beijing_today()
        )
        return any(permissions.may_cancel_substitution(actor, s) for s in running)

    @admin.display(description=_("steps covered"))
    def steps_display(self, obj: Substitution) -> str:
        return "、".join(obj.step_labels)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The page's form and the one service: its refusal (an overlap, a junior substitute,
        days in the past) is an error on the form, with what was entered kept; the service's
        transaction saves all or nothing."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        actor = acting_staff(request)
        branch = actor.branch
        assert branch is not None  # has_add_permission: an approver of a branch
        posted = request.POST if request.method == "POST" else None
        form = SubstitutionForm(posted, branch=branch, actor=actor)
        if posted is not None and form.is_valid():
            try:
                made = form.save()
            except ApplicationError as exc:
                refusal(request, exc, form)
            else:
                self.message_user(request, named_message(made), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:transfers_substitution_changelist"))
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "title": gettext("Name a substitute"),
            "form": form,
            "opts": self.opts,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/transfers/substitution/add_form.html", context)

    @admin.action(description=_("Cancel substitution"), permissions=["cancel"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Substitution]) -> None:
        actor = acting_staff(request)
        for substitution in queryset.select_related("absent", "substitute"):
            try:
                services.substitution_cancel(substitution=substitution, actor=actor)
            except ApplicationError as exc:
                self.message_user(request, f"{substitution}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("The substitution %(substitution)s is cancelled.")
                    % {"substitution": substitution},
                    messages.SUCCESS,
                )
