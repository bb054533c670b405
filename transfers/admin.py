"""Transfer requests in the admin: read-only records with their approvals, document checks and
audit trail; fees and appointments; and the approvers' desk — the approvals queue, phone
approvals to sign off (补签), overdue sign-offs and late requests. Every action goes through
the same services as the counter; a service's refusal is shown as a message."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import (
    BranchScopedAdmin,
    PiiSearchAdminMixin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    action_form_response,
    scope_to_branch,
)
from accounts.masking import mask_id_number, mask_name
from accounts.models import Staff, Tier
from accounts.roles import Role
from kernel.calendar import CalendarUnknown, TradingCalendar, beijing_today
from kernel.errors import ApplicationError
from kernel.request_context import client_ip

from . import selectors, services
from .models import (
    Appointment,
    Approval,
    ApprovalQueueItem,
    ChurnReason,
    ClosureCandidate,
    DocumentCheck,
    FeeSchedule,
    LateRequest,
    OverdueSignOff,
    PendingSignOff,
    RetainedDocument,
    TransferAuditEntry,
    TransferRequest,
    TransferState,
)
from .pdf import business_form_pdf, receipt_pdf

APPROVER_ROLES = (
    Role.COUNTER_LEAD,
    Role.ACCOUNT_MANAGER,
    Role.MARKETING_DIRECTOR,
    Role.GENERAL_MANAGER,
)


def _staff(request: HttpRequest) -> Staff:
    return request.user  # type: ignore[return-value]


def _request_link(req: TransferRequest) -> str:
    url = reverse("admin:transfers_transferrequest_change", args=[req.pk])
    return format_html('<a href="{}">#{}</a>', url, req.pk)


def _tier_label(req: TransferRequest) -> str:
    customer = req.customer
    label = str(Tier(customer.approval_tier).label)
    if customer.is_institution:
        return gettext("%(tier)s (institution)") % {"tier": label}
    return label


# ---------------------------------------------------------------------------------------
# The request, read-only, with what hangs off it.


class DocumentCheckInline(ReadOnlyInline):
    model = DocumentCheck
    fields = ("kind", "checked_by", "checked_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[DocumentCheck]:
        return super().get_queryset(request).select_related("checked_by")


class ApprovalInline(ReadOnlyInline):
    model = Approval
    fields = (
        "round",
        "step",
        "approver",
        "mode",
        "approved_at",
        "recorded_by",
        "note",
        "sign_off_due_on",
        "signed_off_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Approval]:
        return super().get_queryset(request).select_related("approver", "recorded_by")


class AuditEntryInline(ReadOnlyInline):
    """The audit trail: append-only, for everyone, superusers included."""

    model = TransferAuditEntry
    fields = ("at", "actor", "action", "from_state", "to_state", "comment", "client_ip")
    verbose_name_plural = _("audit trail")

    def get_queryset(self, request: HttpRequest) -> QuerySet[TransferAuditEntry]:
        return super().get_queryset(request).select_related("actor")


@admin.register(TransferRequest)
class TransferRequestAdmin(PiiSearchAdminMixin, BranchScopedAdmin):
    """The record as it stands. Every change is made at the counter or in the approvals
    queue, through the services, so here nothing is added, changed or deleted."""

    branch_lookup = "branch"
    list_display = (
        "number",
        "customer",
        "tier",
        "items",
        "state",
        "created_at",
        "due_on",
    )
    list_filter: ClassVar[tuple[str, ...]] = (
        "state",
        "wants_sz_transfer",
        "wants_sh_revocation",
        "wants_closure",
    )
    search_fields = (
        "=customer__fund_account",
        "customer__name",
        "=receipt_number",
    )
    date_hierarchy: ClassVar[str | None] = "created_at"
    list_select_related = ("customer", "customer__branch")
    inlines = (DocumentCheckInline, ApprovalInline, AuditEntryInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "branch",
                    "customer",
                    "tier",
                    "state",
                    "created_by",
                    "created_at",
                    "due_on",
                    "days_left",
                    "appointment",
                    "papers",
                )
            },
        ),
        (
            _("What the customer asks for"),
            {
                "fields": (
                    "wants_sz_transfer",
                    "sz_receiving_broker",
                    "sz_receiving_seat",
                    "wants_sh_revocation",
                    "wants_closure",
                )
            },
        ),
        (_("Agent"), {"fields": ("by_agent", "agent_name_masked", "agent_id_masked")}),
        (_("Reason"), {"fields": ("primary_reason", "other_reasons", "reason_note")}),
        (
            _("Blocking conditions (Art. 16)"),
            {"fields": ("blocking_display", "blocking_checked_at")},
        ),
        (
            _("Outcome"),
            {
                "fields": (
                    "follow_up_on",
                    "refusal_reason",
                    "fee_amount",
                    "receipt_number",
                    "retained_display",
                    "completed_by",
                    "completed_at",
                    "ended_at",
                )
            },
        ),
    )
    readonly_fields = (
        "number",
        "tier",
        "days_left",
        "papers",
        "agent_name_masked",
        "agent_id_masked",
        "blocking_display",
        "retained_display",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[TransferRequest]:
        return (
            super()
            .get_queryset(request)
            .select_related(
                "branch",
                "customer",
                "customer__branch",
                "created_by",
                "completed_by",
                "primary_reason",
                "appointment",
                "appointment__host",
            )
        )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not obj.by_agent:
            fieldsets = [fs for fs in fieldsets if "by_agent" not in fs[1]["fields"]]
        return fieldsets

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("request number"), ordering="pk")
    def number(self, obj: TransferRequest) -> str:
        return f"#{obj.pk}"

    @admin.display(description=_("tier"))
    def tier(self, obj: TransferRequest) -> str:
        return _tier_label(obj)

    @admin.display(description=_("asks for"))
    def items(self, obj: TransferRequest) -> str:
        return "、".join(obj.items_display)

    @admin.display(description=_("trading days left"))
    def days_left(self, obj: TransferRequest) -> str:
        try:
            left = selectors.trading_days_left(
                obj, today=beijing_today(), calendar=TradingCalendar()
            )
        except CalendarUnknown as exc:
            return exc.message
        if left is None:
            return "—"
        if left < 0:
            return ngettext(
                "late by %(days)d trading day", "late by %(days)d trading days", -left
            ) % {"days": -left}
        return str(left)

    @admin.display(description=_("agent's name"))
    def agent_name_masked(self, obj: TransferRequest) -> str:
        return mask_name(obj.agent_name)

    @admin.display(description=_("agent's identity number"))
    def agent_id_masked(self, obj: TransferRequest) -> str:
        return mask_id_number(obj.agent_id_number)

    @admin.display(description=_("blocking conditions found"))
    def blocking_display(self, obj: TransferRequest) -> str:
        if not obj.blocking_conditions:
            return "—"
        return format_html_join(
            "", "<div>{}</div>", ((c.get("message", ""),) for c in obj.blocking_conditions)
        )

    @admin.display(description=_("documents retained"))
    def retained_display(self, obj: TransferRequest) -> str:
        labels = dict(RetainedDocument.choices)
        return "、".join(str(labels.get(k, k)) for k in obj.retained_documents) or "—"

    @admin.display(description=_("papers"))
    def papers(self, obj: TransferRequest) -> str:
        info = self.opts.app_label, self.opts.model_name
        links = [
            format_html(
                '<a href="{}" target="_blank">{}</a>',
                reverse("admin:{}_{}_business_form".format(*info), args=[obj.pk]),
                gettext("Business form (PDF)"),
            )
        ]
        if obj.state == TransferState.COMPLETED:
            links.append(
                format_html(
                    '<a href="{}" target="_blank">{}</a>',
                    reverse("admin:{}_{}_receipt".format(*info), args=[obj.pk]),
                    gettext("Receipt (PDF)"),
                )
            )
        return format_html_join(" · ", "{}", ((link,) for link in links))

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/business-form.pdf",
                view(self.business_form_view),
                name="{}_{}_business_form".format(*info),
            ),
            path(
                "<path:object_id>/receipt.pdf",
                view(self.receipt_view),
                name="{}_{}_receipt".format(*info),
            ),
            *super().get_urls(),
        ]

    def _viewable(self, request: HttpRequest, object_id: str) -> TransferRequest:
        obj = cast(TransferRequest, self.get_object(request, unquote(object_id)))  # or 404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def business_form_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._viewable(request, object_id)
        return _pdf_response(
            business_form_pdf(obj, printed_by=_staff(request)), f"business-form-{obj.pk}.pdf"
        )

    def receipt_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._viewable(request, object_id)
        try:
            data = receipt_pdf(obj, printed_by=_staff(request))
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        return _pdf_response(data, f"receipt-{obj.receipt_number}.pdf")


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@admin.register(TransferAuditEntry)
class TransferAuditEntryAdmin(BranchScopedAdmin):
    """The audit trail on its own, for the auditor's searches. Append-only: no one adds,
    changes or deletes an entry here, superusers included."""

    branch_lookup = "request__branch"
    list_display = ("at", "request_link", "actor", "action", "from_state", "to_state", "comment")
    list_filter = ("to_state",)
    search_fields = ("=request__customer__fund_account", "=request__receipt_number", "action")
    date_hierarchy = "at"
    list_select_related = ("request", "actor")
    fields = ("at", "request", "actor", "action", "from_state", "to_state", "comment", "client_ip")

    @admin.display(description=_("request"), ordering="request")
    def request_link(self, obj: TransferAuditEntry) -> str:
        return _request_link(obj.request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FeeSchedule)
class FeeScheduleAdmin(BranchScopedAdmin):
    branch_lookup = "branch"
    list_display = ("item", "amount", "branch")
    list_filter = (("branch", admin.RelatedOnlyFieldListFilter),)
    fields = ("branch", "item", "amount")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("branch", "item") if obj is not None else ()


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


# ---------------------------------------------------------------------------------------
# The approvers' desk.


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("why it goes back to the counter"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


def _approvals_so_far(req: TransferRequest) -> str:
    current = [a for a in req.approvals.all() if a.round == req.approval_round]
    if not current:
        return "—"
    rows = []
    for approval in current:
        how = ""
        if approval.awaiting_sign_off:
            how = gettext("by phone, sign-off pending")
        elif approval.signed_off_at is not None:
            how = gettext("by phone, signed off")
        rows.append((approval.get_step_display(), approval.approver, how))
    return format_html_join("", "<div>{}: {} <small>{}</small></div>", rows)


@admin.register(ApprovalQueueItem)
class ApprovalQueueAdmin(TransferRequestAdmin):
    """What waits for this user's level in their branch (Art. 9, 10, 17)."""

    list_display = (
        "number",
        "customer",
        "tier",
        "items",
        "created_at",
        "due_on",
        "approvals_so_far",
    )
    list_filter = ()
    date_hierarchy = None
    actions = ("approve", "send_back")
    ordering = ("created_at",)
    change_form_template = "admin/transfers/approvalqueueitem/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[TransferRequest]:
        waiting = selectors.requests_awaiting(_staff(request)).values("pk")
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=waiting)
            .prefetch_related(
                Prefetch("approvals", queryset=Approval.objects.select_related("approver"))
            )
        )

    def response_action(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        # Between the list and the click a request may leave the queue (another approver,
        # the customer stayed): the service, not the list, then says why it cannot be done.
        actionable = scope_to_branch(ApprovalQueueItem.objects.all(), request, "branch")
        return super().response_action(request, actionable.select_related("customer"))

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return _staff(request).has_role(*APPROVER_ROLES)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_approve": self.has_approve_permission(request),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("approvals so far"))
    def approvals_so_far(self, obj: TransferRequest) -> str:
        return _approvals_so_far(obj)

    @admin.action(description=_("Approve"), permissions=["approve"])
    def approve(self, request: HttpRequest, queryset: QuerySet[TransferRequest]) -> None:
        for req in queryset:
            try:
                approval = services.transfer_approve(
                    request=req, actor=_staff(request), client_ip=client_ip(request)
                )
            except ApplicationError as exc:
                self.message_user(
                    request, f"#{req.pk} {req.customer}: {exc.message}", messages.ERROR
                )
                continue
            after = approval.request
            message = gettext("Approved #%(pk)s %(customer)s; the request is now “%(state)s”.") % {
                "pk": req.pk,
                "customer": req.customer,
                "state": after.get_state_display(),
            }
            if after.state == TransferState.BLOCKED:
                # Art. 16: the blocking check ran as the last approval came in.
                blocked = "；".join(c["message"] for c in after.blocking_conditions)
                self.message_user(request, f"{message} {blocked}", messages.WARNING)
            else:
                self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Send back to the counter"), permissions=["approve"])
    def send_back(
        self, request: HttpRequest, queryset: QuerySet[TransferRequest]
    ) -> HttpResponse | None:
        form = SendBackForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return action_form_response(
                self,
                request,
                queryset,
                form=form,
                action="send_back",
                title=gettext("Send back to the counter"),
                intro=gettext(
                    "The request returns to the retention talk at the counter and the approvals "
                    "given so far lapse. Say why; the counter reads it in the audit trail."
                ),
                submit_label=gettext("Send back"),
            )
        for req in queryset:
            try:
                services.transfer_send_back(
                    request=req,
                    actor=_staff(request),
                    comment=form.cleaned_data["comment"],
                    client_ip=client_ip(request),
                )
            except ApplicationError as exc:
                self.message_user(
                    request, f"#{req.pk} {req.customer}: {exc.message}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    gettext("Sent #%(pk)s %(customer)s back to the counter.")
                    % {"pk": req.pk, "customer": req.customer},
                    messages.SUCCESS,
                )
        return None


class _ApprovalListAdmin(BranchScopedAdmin):
    """A list of approvals, read-only; the rows link to their request."""

    branch_lookup = "request__branch"
    list_display_links = None
    list_select_related = ("request", "request__customer", "request__customer__branch", "approver")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("request"))
    def request_link(self, obj: Approval) -> str:
        return _request_link(obj.request)

    @admin.display(description=_("customer"))
    def customer(self, obj: Approval) -> str:
        return str(obj.request.customer)


@admin.register(PendingSignOff)
class PendingSignOffAdmin(_ApprovalListAdmin):
    """Art. 17: the approver's written sign-off of what they approved by phone."""

    list_display = (
        "request_link",
        "customer",
        "step",
        "approved_at",
        "note",
        "sign_off_due_on",
    )
    actions = ("sign_off",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Approval]:
        mine = selectors.pending_sign_offs_for(_staff(request)).values("pk")
        return super().get_queryset(request).filter(pk__in=mine).order_by("sign_off_due_on")

    def response_action(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        # As in the queue: an approval signed off meanwhile gets the service's answer.
        actionable = scope_to_branch(PendingSignOff.objects.all(), request, "request__branch")
        return super().response_action(request, actionable.select_related("request"))

    def has_sign_off_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @admin.action(description=_("Sign off (补签)"), permissions=["sign_off"])
    def sign_off(self, request: HttpRequest, queryset: QuerySet[Approval]) -> None:
        for approval in queryset:
            try:
                services.approval_sign_off(
                    approval=approval, actor=_staff(request), client_ip=client_ip(request)
                )
            except ApplicationError as exc:
                self.message_user(
                    request, f"#{approval.request_id} {approval}: {exc.message}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    gettext("Signed off your phone approval of #%(pk)s %(customer)s.")
                    % {"pk": approval.request_id, "customer": approval.request.customer},
                    messages.SUCCESS,
                )


@admin.register(OverdueSignOff)
class OverdueSignOffAdmin(_ApprovalListAdmin):
    """Art. 17: phone approvals still without their written sign-off after the due day,
    for the marketing director and the general manager to chase."""

    list_display = (
        "request_link",
        "customer",
        "step",
        "approver",
        "approved_at",
        "sign_off_due_on",
    )
    actions = None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = _staff(request)
        return super().has_view_permission(request, obj) and (
            user.is_superuser or selectors.sees_overdue_sign_offs(user)
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Approval]:
        overdue = selectors.overdue_sign_offs(
            branch_id=_staff(request).branch_id, today=beijing_today()
        ).values("pk")
        return super().get_queryset(request).filter(pk__in=overdue).order_by("sign_off_due_on")


@admin.register(LateRequest)
class LateRequestAdmin(TransferRequestAdmin):
    """Requests running past the customer's two trading days, flagged to the general
    manager: the customer's right to leave comes first."""

    list_display = ("number", "customer", "tier", "items", "state", "created_at", "due_on")
    list_filter = ("state",)
    date_hierarchy = None
    ordering = ("due_on",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TransferRequest]:
        late = selectors.late_requests(
            branch_id=_staff(request).branch_id, today=beijing_today()
        ).values("pk")
        return super().get_queryset(request).filter(pk__in=late)


@admin.register(ChurnReason)
class ChurnReasonAdmin(BranchScopedAdmin):
    branch_lookup = None  # one taxonomy for the whole firm
    list_display = ("code", "name_zh", "name_en", "article", "active", "sort_order")
    list_editable = ("active", "sort_order")
    list_filter = ("active",)
    search_fields = ("code", "name_zh", "name_en")
    fields = ("code", "name_zh", "name_en", "article", "active", "sort_order")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Requests and reports refer to a reason by its code: once made, it stays. A reason
        # no longer used is made inactive, not renamed.
        return ("code",) if obj is not None else ()


@admin.register(ClosureCandidate)
class ClosureCandidateAdmin(ReadOnlyAdmin):
    branch_lookup = "branch"
    list_display = ("business_date", "customer")
    date_hierarchy = "business_date"
    search_fields = ("customer__fund_account",)
    list_select_related = ("customer", "customer__branch")
