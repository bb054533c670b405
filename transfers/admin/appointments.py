"""Appointments (Art. 18) in the admin, booked and written up through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import (
    BranchScopedAdmin,
    PiiSearchAdminMixin,
    scope_to_branch,
)
from accounts.models import Staff
from accounts.roles import Role
from kernel.errors import ApplicationError

from .. import services
from ..models import (
    Appointment,
)
from ._common import _request_link

# ---------------------------------------------------------------------------------------
# Appointments (Art. 18), booked and written up through the services.


class AppointmentAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """Booking and the findings go through appointment_book / appointment_record_findings.
    The admin has no later hook where a domain refusal can still become a form error, so the
    service runs here, in the admin's transaction, and the admin's own save is skipped."""

    actor: Staff

    class Meta:
        model = Appointment
        fields = ("customer", "host", "findings")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if self.errors:
            return cleaned
        try:
            if self.instance.pk is None:
                self.instance = services.appointment_book(
                    customer=cleaned["customer"],
                    host=cleaned["host"],
                    actor=self.actor,
                    findings=cleaned.get("findings", ""),
                )
            else:
                self.instance = services.appointment_record_findings(
                    appointment=self.instance,
                    actor=self.actor,
                    findings=cleaned.get("findings", ""),
                )
        except ApplicationError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc
        return cleaned


@admin.register(Appointment)
class AppointmentAdmin(PiiSearchAdminMixin, BranchScopedAdmin):
    branch_lookup = "branch"
    form = AppointmentAdminForm
    list_display = ("customer", "host", "booked_on", "request_display", "has_findings")
    list_filter = ("booked_on", ("host", admin.RelatedOnlyFieldListFilter))
    search_fields = ("=customer__fund_account", "customer__name")
    list_select_related = ("customer", "customer__branch", "host")
    autocomplete_fields = ("customer",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("customer", "host", "findings")
        return ("customer", "host", "booked_on", "booked_by", "request_display", "findings")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return ("customer", "host", "booked_on", "booked_by", "request_display")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "host":
            kwargs["queryset"] = scope_to_branch(
                Staff.objects.filter(
                    groups__name__in=[Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER],
                    is_active=True,
                ).distinct(),
                request,
                "branch",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pass  # saved by the service in the form's validation

    @admin.display(description=_("request"))
    def request_display(self, obj: Appointment) -> str:
        req = getattr(obj, "transfer_request", None)
        return _request_link(req) if req is not None else "—"

    @admin.display(description=_("findings recorded"), boolean=True)
    def has_findings(self, obj: Appointment) -> bool:
        return bool(obj.findings)
