"""The retention app in the Django admin: playbooks (a revision is always a new version,
published through the service), the branch's configuration (service teams, commission
ranges, early-warning thresholds), and read-only views of what the pages record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import BranchScopedAdmin, ReadOnlyAdmin, ReadOnlyInline
from accounts.models import Branch
from kernel.errors import ApplicationError
from kernel.params import record_number
from transfers.models import ChurnReason

from .models import (
    AtRiskFlag,
    CommissionAgreement,
    Commitment,
    Complaint,
    DailyCustomerMetrics,
    MonthlyReport,
    Playbook,
    PlaybookStep,
    RetentionAttempt,
    RetentionAuditEntry,
    RetentionContactTask,
    ServiceTeam,
    StaffDeparture,
    WorkMemo,
)
from .services import StepText, playbook_publish

# ---------------------------------------------------------------------------------------
# Playbooks
# ---------------------------------------------------------------------------------------


def _steps_text(playbook: Playbook) -> str:
    return "\n".join(
        f"{s.text_zh} | {s.text_en}" if s.text_en else s.text_zh for s in playbook.steps.all()
    )


def _parse_steps(text: str) -> list[StepText]:
    steps = []
    for line in text.splitlines():
        if not line.strip():
            continue
        zh, _sep, en = line.partition("|")
        steps.append(StepText(zh.strip(), en.strip()))
    return steps


class PlaybookForm(forms.ModelForm):
    steps_text = forms.CharField(
        label=_("Steps"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 100}),
        help_text=_(
            "One step per line: the Chinese wording, then “|” and the English wording. "
            "A step kept word for word stays the same step in the monthly analysis."
        ),
    )

    class Meta:
        model = Playbook
        fields = ["reason", "branch", "note"]

    def clean_steps_text(self) -> str:
        text = self.cleaned_data["steps_text"]
        steps = _parse_steps(text)
        if not steps:
            raise forms.ValidationError(gettext("A playbook needs at least one step."))
        if len({s.text_zh for s in steps}) != len(steps):
            raise forms.ValidationError(gettext("Two steps have the same wording."))
        if any(len(s.text_zh) > 300 or len(s.text_en) > 300 for s in steps):
            raise forms.ValidationError(gettext("A step is too long (at most 300 characters)."))
        return text


class PlaybookStepInline(ReadOnlyInline):
    model = PlaybookStep
    fields = ("position", "key", "text_zh", "text_en")


@admin.register(Playbook)
class PlaybookAdmin(BranchScopedAdmin):
    """Published versions are never edited: "Revise" opens a new version filled with the
    old one's steps, and saving publishes it."""

    branch_lookup = "branch"
    form = PlaybookForm
    list_display = (
        "reason",
        "scope",
        "version",
        "step_count",
        "published_at",
        "published_by",
        "revise",
    )
    list_filter = ("reason",)
    inlines = [PlaybookStepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Playbook]:
        queryset = admin.ModelAdmin.get_queryset(self, request).select_related(
            "reason", "branch", "published_by"
        )
        queryset = queryset.annotate(n_steps=Count("steps"))
        if getattr(request.user, "is_superuser", False):
            return queryset
        # The firm's versions are every branch's starting point: visible to all.
        return queryset.filter(Q(branch_id=request.user.branch_id) | Q(branch__isnull=True))  # type: ignore[union-attr]

    @admin.display(description=_("scope"))
    def scope(self, obj: Playbook) -> str:
        return str(obj.branch) if obj.branch_id else gettext("firm-wide")

    @admin.display(description=_("steps"))
    def step_count(self, obj: Playbook) -> int:
        return getattr(obj, "n_steps", 0)

    @admin.display(description="")
    def revise(self, obj: Playbook) -> str:
        url = reverse("admin:retention_playbook_add") + f"?from={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("Revise"))

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.inlines if obj is not None else []  # a new version's steps are typed

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = {"branch": getattr(request.user, "branch_id", None)}
        source_pk = record_number(request.GET.get("from"))
        source = self.get_queryset(request).filter(pk=source_pk).first() if source_pk else None
        if source is not None:
            initial.update(reason=source.reason_id, steps_text=_steps_text(source))
        return initial

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "reason":
            kwargs["queryset"] = ChurnReason.objects.filter(active=True)
        if db_field.name == "branch" and not getattr(request.user, "is_superuser", False):
            kwargs["queryset"] = Branch.objects.filter(pk=request.user.branch_id)  # type: ignore[union-attr, misc]
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Playbook, form: Any, change: bool) -> None:
        try:
            published = playbook_publish(
                reason=form.cleaned_data["reason"],
                branch=form.cleaned_data["branch"],
                steps=_parse_steps(form.cleaned_data["steps_text"]),
                actor=request.user,  # type: ignore[arg-type]
                note=form.cleaned_data.get("note", ""),
            )
        except ApplicationError as error:
            # The form is already valid here; the refusal is shown and nothing is saved.
            self.message_user(request, error.message, messages.ERROR)
            raise
        obj.pk = published.pk
        obj.version = published.version
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # the service wrote the steps


# ---------------------------------------------------------------------------------------
# The branch's configuration
# ---------------------------------------------------------------------------------------


@admin.register(ServiceTeam)
class ServiceTeamAdmin(BranchScopedAdmin):
    branch_lookup = "branch"
    list_display = ("name", "branch", "lead", "active")
    list_filter = ("active",)
    filter_horizontal = ("members",)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "members" and not getattr(request.user, "is_superuser", False):
            from accounts.models import Staff

            kwargs["queryset"] = Staff.objects.filter(branch_id=request.user.branch_id)  # type: ignore[union-attr, misc]
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "lead" and not getattr(request.user, "is_superuser", False):
            from accounts.models import Staff

            kwargs["queryset"] = Staff.objects.filter(branch_id=request.user.branch_id)  # type: ignore[union-attr, misc]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# ---------------------------------------------------------------------------------------
# Records written by the pages and services: read here, never edited here
# ---------------------------------------------------------------------------------------


@admin.register(RetentionAttempt)
class RetentionAttemptAdmin(ReadOnlyAdmin):
    branch_lookup = "request__branch"
    list_display = ("request", "playbook", "recorded_by", "recorded_at")
    list_select_related = (
        "request",
        "request__customer",
        "playbook",
        "playbook__reason",
        "recorded_by",
    )
    date_hierarchy = "recorded_at"


@admin.register(WorkMemo)
class WorkMemoAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("customer", "request", "outcome", "primary_reason", "deferred_on", "left_on")
    list_filter = ("outcome", "primary_reason")
    list_select_related = ("customer", "customer__branch", "request", "primary_reason")
    exclude = ("contact_phone",)  # personal data: shown masked on the page and the print


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("what", "customer", "owner", "due_on", "status", "kept_on")
    list_filter = ("status",)
    list_select_related = ("customer", "customer__branch", "owner")
    date_hierarchy = "due_on"


@admin.register(CommissionAgreement)
class CommissionAgreementAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("customer", "rate", "tier", "floor_rate", "status", "agreed_by", "decided_by")
    list_filter = ("status", "tier")
    list_select_related = ("customer", "customer__branch", "agreed_by", "decided_by")


@admin.register(StaffDeparture)
class StaffDepartureAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("departed", "kind", "left_on", "to_person", "to_team", "customers_moved")


@admin.register(RetentionContactTask)
class RetentionContactTaskAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("customer", "assigned_to", "team", "due_on", "status")
    list_filter = ("status",)
    list_select_related = ("customer", "customer__branch", "assigned_to", "team")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("customer", "received_on", "summary", "status", "resolved_on")
    list_filter = ("status",)
    list_select_related = ("customer", "customer__branch")


@admin.register(RetentionAuditEntry)
class RetentionAuditEntryAdmin(ReadOnlyAdmin):
    """The trail of promises, rates, contact tasks and complaints: read, never edited."""

    branch_lookup = "branch"
    list_display = ("at", "actor", "action", "from_state", "to_state", "client_ip")
    list_filter = ("action",)
    list_select_related = ("actor",)
    date_hierarchy = "at"


@admin.register(AtRiskFlag)
class AtRiskFlagAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("customer", "rule", "business_date", "explanation")
    list_filter = ("rule",)
    list_select_related = ("customer", "customer__branch")
    date_hierarchy = "business_date"


@admin.register(DailyCustomerMetrics)
class DailyCustomerMetricsAdmin(ReadOnlyAdmin):
    branch_lookup = "customer__branch"
    list_display = ("customer", "date", "assets", "trades_count")
    list_select_related = ("customer", "customer__branch")
    date_hierarchy = "date"


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("branch", "month", "prepared_at")
