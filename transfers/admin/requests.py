"""The transfer request, read-only, with its inlines and papers, and the audit trail on its own."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import (
    BranchScopedAdmin,
    PiiSearchAdminMixin,
    ReadOnlyInline,
    action_form_response,
)
from accounts.masking import mask_id_number, mask_name
from accounts.models import Tier
from kernel.calendar import CalendarUnknown, TradingCalendar, beijing_today
from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip

from .. import permissions, selectors, services
from ..forms import RecallForm
from ..models import (
    LEFT_STATES,
    Approval,
    DocumentCheck,
    ReceiptCopy,
    ReceiptPrint,
    RetainedDocument,
    TransferAuditEntry,
    TransferRequest,
)
from ..pdf import business_form_pdf
from ..services.recall import approvals_falling
from ._common import _request_link


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


class ReceiptPrintInline(ReadOnlyInline):
    """Every print of the receipt (Art. 12), the first and each reprint: append-only."""

    model = ReceiptPrint
    fields = ("number", "copies", "printed_by", "printed_at", "client_ip")
    verbose_name_plural = _("receipt prints")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReceiptPrint]:
        return super().get_queryset(request).select_related("printed_by")


@admin.register(TransferRequest)
class TransferRequestAdmin(PiiSearchAdminMixin, BranchScopedAdmin):
    """The record as it stands. Every change is made at the counter or in the approvals
    queue, through the services, so here nothing is added, changed or deleted; the one
    action is an approver's recall of their own approval (services/recall.py)."""

    branch_lookup = "branch"
    actions: tuple[str, ...] = ("recall",)
    change_form_template = "admin/transfers/transferrequest/change_form.html"
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
    inlines = (DocumentCheckInline, ApprovalInline, AuditEntryInline, ReceiptPrintInline)
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

    def has_recall_permission(self, request: HttpRequest) -> bool:
        # Whether this approver holds an approval to recall is the transition's permission,
        # asked per request on the change page and by the service.
        return permissions.is_approver(acting_staff(request))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = cast(TransferRequest, self.get_object(request, unquote(object_id)))  # or 404
        actor = acting_staff(request)
        # The request page's `can["recall"]`: the transition table, so the button goes once
        # processing starts (a page left open is refused by the service).
        can_recall = self.has_recall_permission(request) and permissions.may_take(
            actor, obj, "recall_approval"
        )
        extra_context = {
            **(extra_context or {}),
            "can_recall": can_recall,
            "recall_falls": approvals_falling(request=obj, actor=actor) if can_recall else [],
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Recall my approval"), permissions=["recall"])
    def recall(
        self, request: HttpRequest, queryset: QuerySet[TransferRequest]
    ) -> HttpResponse | None:
        """Asks why first, showing what falls with the recall; then the one recall service."""
        actor = acting_staff(request)
        form = RecallForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            response = action_form_response(
                self,
                request,
                queryset,
                form=form,
                action="recall",
                title=gettext("Recall my approval"),
                intro=gettext(
                    "Until processing starts you may take your approval back: the request "
                    "waits for your step again, and the approvals given after yours fall with "
                    "it. Say why; it is kept in the audit trail."
                ),
                submit_label=gettext("Recall my approval"),
            )
            response.template_name = "admin/transfers/recall_form.html"
            assert response.context_data is not None
            response.context_data["falling"] = [
                (req, approvals_falling(request=req, actor=actor))
                for req in response.context_data["objects"]
            ]
            return response
        for req in queryset:
            try:
                withdrawn = services.approval_recall(
                    request=req,
                    actor=actor,
                    reason=form.cleaned_data["reason"],
                    client_ip=client_ip(request),
                )
            except ApplicationError as exc:
                self.message_user(request, f"{req}: {exc.message}", messages.ERROR)
                continue
            message = gettext(
                "Your approval of %(request)s is recalled: the request waits for that step again."
            ) % {"request": req}
            if len(withdrawn) > 1:
                message += " " + gettext("Fallen with it: %(approvals)s.") % {
                    "approvals": "、".join(str(a) for a in withdrawn[1:])
                }
            self.message_user(request, message, messages.SUCCESS)
        return None

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
        if obj.state in LEFT_STATES:
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
            business_form_pdf(obj, printed_by=acting_staff(request)), f"business-form-{obj.pk}.pdf"
        )

    def receipt_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The same logged print as the counter's (services.receipt_print)."""
        obj = self._viewable(request, object_id)
        try:
            data = services.receipt_print(
                request=obj,
                actor=acting_staff(request),
                copies=request.GET.get("copy", ReceiptCopy.BOTH),
                client_ip=client_ip(request),
            )
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
