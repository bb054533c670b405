"""The approvers' desk: the approvals queue, sign-offs (补签) due and overdue, late requests."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts import second_factor
from accounts.admin_mixins import (
    BranchScopedAdmin,
    action_form_response,
    scope_to_branch,
)
from kernel.calendar import beijing_today
from kernel.errors import ApplicationError, NotFound
from kernel.request_context import acting_staff, client_ip

from .. import permissions, selectors, services
from ..models import (
    Approval,
    ApprovalQueueItem,
    LateRequest,
    OverdueSignOff,
    PendingSignOff,
    TransferRequest,
    TransferState,
)
from ._common import _request_link
from .requests import TransferRequestAdmin

# Ids beyond a database integer are junk, not a lookup (as on the sign-off page).
MAX_ID = 2**31 - 1

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
        waiting = selectors.requests_awaiting(acting_staff(request)).values("pk")
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
        return permissions.is_approver(acting_staff(request))

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
                    request=req,
                    actor=acting_staff(request),
                    client_ip=client_ip(request),
                    second_factor=second_factor.is_verified(request.user),
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
                    actor=acting_staff(request),
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
        mine = selectors.pending_sign_offs_for(acting_staff(request)).values("pk")
        return super().get_queryset(request).filter(pk__in=mine).order_by("sign_off_due_on")

    def response_action(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        # As in the queue: an approval signed off meanwhile gets the service's answer.
        actionable = scope_to_branch(PendingSignOff.objects.all(), request, "request__branch")
        return super().response_action(request, actionable.select_related("request"))

    def has_sign_off_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @admin.action(description=_("Sign off (补签)"), permissions=["sign_off"])
    def sign_off(self, request: HttpRequest, queryset: QuerySet[Approval]) -> None:
        # Art. 17: the ticked approvals are one written statement, signed all together or not
        # at all (services/sign_offs.py). The ids come from what was ticked, not from the
        # list: one recalled or signed meanwhile has left the list, and signing the others
        # without it is what the one service refuses.
        raw = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(value.isdigit() and 0 < int(value) <= MAX_ID for value in raw):
            self.message_user(
                request, gettext("Tick phone approvals from the list."), messages.ERROR
            )
            return
        try:
            signed = services.approvals_sign_off(
                approval_ids=[int(value) for value in raw],
                actor=acting_staff(request),
                client_ip=client_ip(request),
            )
        except NotFound:
            # Recalled meanwhile, or never on this list (another branch's, another
            # approver's): the admin names none of them, as a 404 would not.
            self.message_user(
                request,
                gettext(
                    "Nothing was signed off: some of the ticked approvals no longer wait for "
                    "your sign-off (recalled meanwhile, or not on your list). Reload the list "
                    "and tick again."
                ),
                messages.ERROR,
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(
                request,
                ngettext(
                    "Signed off %(count)d phone approval.",
                    "Signed off %(count)d phone approvals.",
                    len(signed),
                )
                % {"count": len(signed)},
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
        user = acting_staff(request)
        return super().has_view_permission(request, obj) and (
            user.is_superuser or permissions.sees_overdue_sign_offs(user)
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Approval]:
        overdue = selectors.overdue_sign_offs(
            branch_id=acting_staff(request).branch_id, today=beijing_today()
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
            branch_id=acting_staff(request).branch_id, today=beijing_today()
        ).values("pk")
        return super().get_queryset(request).filter(pk__in=late)
