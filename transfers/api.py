"""Transfer requests over the API: the same services as the request page, one POST per
workflow action. Reads through transfers.selectors, filtered by the caller's branch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import second_factor
from accounts.models import Customer, IdType, Staff
from api.fields import CommentSerializer, EmptySerializer, day_field, id_field
from api.idempotency import run_idempotent
from api.viewsets import BranchViewSet

from . import permissions, services
from .closure import closure_conditions_shown
from .models import (
    ApprovalMode,
    ApprovalStep,
    ChurnReason,
    DocumentKind,
    RetainedDocument,
    TransferRequest,
    TransferState,
    required_documents,
)
from .selectors import approval_progress, request_detail_queryset
from .validators import (
    AGENT_ID_MAX_LENGTH,
    AGENT_ID_TYPE_CHOICES,
    AGENT_NAME_MAX_LENGTH,
    BROKER_MAX_LENGTH,
    SEAT_MAX_LENGTH,
    request_input_problems,
)


class ConditionSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class StepProgressSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=ApprovalStep.choices)
    is_open = serializers.BooleanField()
    approver = serializers.IntegerField(allow_null=True)
    approver_name = serializers.CharField(allow_null=True)
    mode = serializers.ChoiceField(choices=ApprovalMode.choices, allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    signed_off_at = serializers.DateTimeField(allow_null=True)


class TransferRequestSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.masked_name", read_only=True)
    fund_account = serializers.CharField(source="customer.fund_account", read_only=True)
    primary_reason = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    other_reasons = serializers.SlugRelatedField(slug_field="code", read_only=True, many=True)
    blocking_conditions = ConditionSerializer(many=True, read_only=True)
    approval_progress = serializers.SerializerMethodField()
    closure_conditions_missing = serializers.SerializerMethodField()
    documents_required = serializers.SerializerMethodField()
    documents_checked = serializers.SerializerMethodField()
    retained_documents = serializers.ListField(
        child=serializers.ChoiceField(choices=RetainedDocument.choices), read_only=True
    )
    password_confirmed = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    # Blank without an agent, and on requests received before the type was asked.
    agent_id_type = serializers.ChoiceField(
        choices=AGENT_ID_TYPE_CHOICES, allow_blank=True, read_only=True
    )

    class Meta:
        model = TransferRequest
        fields = [
            "id",
            "customer",
            "customer_name",
            "fund_account",
            "state",
            "created_at",
            "created_by",
            "wants_sz_transfer",
            "sz_receiving_broker",
            "sz_receiving_seat",
            "wants_sh_revocation",
            "wants_closure",
            "by_agent",
            "agent_name",
            "agent_id_type",
            "primary_reason",
            "other_reasons",
            "reason_note",
            "approval_round",
            "approval_progress",
            "due_on",
            "follow_up_on",
            "refusal_reason",
            "blocking_conditions",
            "blocking_checked_at",
            "closure_conditions_missing",
            "documents_required",
            "documents_checked",
            "password_failures",
            "password_confirmed",
            "fee_amount",
            "receipt_number",
            "retained_documents",
            "completed_at",
            "completed_by",
            "ended_at",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(StepProgressSerializer(many=True))
    def get_approval_progress(self, obj: TransferRequest) -> list[dict[str, Any]]:
        return [
            {
                "step": p.step,
                "is_open": p.is_open,
                "approver": p.approval.approver_id if p.approval else None,
                "approver_name": str(p.approval.approver) if p.approval else None,
                "mode": p.approval.mode if p.approval else None,
                "approved_at": p.approval.approved_at if p.approval else None,
                "signed_off_at": p.approval.signed_off_at if p.approval else None,
            }
            for p in approval_progress(obj)
        ]

    @extend_schema_field(ConditionSerializer(many=True))
    def get_closure_conditions_missing(self, obj: TransferRequest) -> list[dict[str, str]]:
        """Art. 19: what must still hold before the fund account can be closed (a list's
        page asks the core system once for all its rows: `closure_conditions` in context)."""
        shown = self.context.get("closure_conditions")
        missing = shown[obj.pk] if shown is not None else services.closure_conditions_missing(obj)
        return [{"code": c.code, "message": str(c.message)} for c in missing]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(DocumentKind.choices)))
    def get_documents_required(self, obj: TransferRequest) -> list[str]:
        return [
            str(k)
            for k in required_documents(customer_kind=obj.customer.kind, by_agent=obj.by_agent)
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(DocumentKind.choices)))
    def get_documents_checked(self, obj: TransferRequest) -> list[str]:
        return sorted(d.kind for d in obj.document_checks.all())

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(),
            help_text="What the caller may do with this request now (transfers.permissions).",
        )
    )
    def get_available_actions(self, obj: TransferRequest) -> list[str]:
        return permissions.action_names(obj, self.context["request"].user)

    def get_password_confirmed(self, obj: TransferRequest) -> bool:
        return obj.password_confirmed_at is not None


class TransferCreateSerializer(serializers.Serializer):
    """The lengths are the model's, as on the request page; the seat's and the agent's
    number's formats are checked by transfers/validators.py, as the page and the service
    check them, in the same words."""

    customer = id_field()
    wants_sz_transfer = serializers.BooleanField(default=False)
    sz_receiving_broker = serializers.CharField(
        default="", allow_blank=True, max_length=BROKER_MAX_LENGTH
    )
    sz_receiving_seat = serializers.CharField(
        default="",
        allow_blank=True,
        max_length=SEAT_MAX_LENGTH,
        help_text="The receiving Shenzhen trading seat: 6 digits.",
    )
    wants_sh_revocation = serializers.BooleanField(default=False)
    wants_closure = serializers.BooleanField(default=False)
    by_agent = serializers.BooleanField(default=False)
    agent_name = serializers.CharField(
        default="", allow_blank=True, max_length=AGENT_NAME_MAX_LENGTH
    )
    agent_id_type = serializers.ChoiceField(
        choices=AGENT_ID_TYPE_CHOICES, default=IdType.RESIDENT_ID
    )
    agent_id_number = serializers.CharField(
        default="", allow_blank=True, max_length=AGENT_ID_MAX_LENGTH, write_only=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        problems = request_input_problems(attrs)
        if problems:
            raise serializers.ValidationError({f: [m] for f, m in problems.items()})
        return attrs


class TransferFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=TransferState.choices, required=False)
    customer = id_field(required=False)


class DocumentsSerializer(serializers.Serializer):
    checked = serializers.ListField(
        child=serializers.ChoiceField(choices=DocumentKind.choices), max_length=20
    )


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ReasonSerializer(serializers.Serializer):
    primary_reason = serializers.SlugField(max_length=40, help_text="A churn reason's code.")
    other_reasons = serializers.ListField(
        child=serializers.SlugField(max_length=40), required=False, default=list, max_length=20
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DeferSerializer(CommentSerializer):
    follow_up_on = day_field()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class PhoneApprovalSerializer(NoteSerializer):
    approver = id_field(help_text="The approving member of staff (of this branch).")


class SendBackSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=500)


class RecallSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class PasswordSerializer(serializers.Serializer):
    # Typed by the customer, passed to the core system and nowhere else (never echoed).
    password = serializers.CharField(
        write_only=True, max_length=64, trim_whitespace=False, style={"input_type": "password"}
    )


class CompleteSerializer(serializers.Serializer):
    retained = serializers.ListField(
        child=serializers.ChoiceField(choices=RetainedDocument.choices), max_length=10
    )


def _reason(code: str, field: str) -> ChurnReason:
    found = ChurnReason.objects.filter(code=code, active=True).first()
    if found is None:
        raise serializers.ValidationError({field: [_("No such reason.")]})
    return found


# (request, actor, parsed body, client ip) -> the service's result
Call = Callable[..., Any]


def _action(
    url_path: str, body: type[serializers.Serializer], summary: str, scope: str = ""
) -> Callable[[Call], Any]:
    """One POST endpoint per workflow service: parse the body, call the service once (under
    the Idempotency-Key), answer with the request as it now stands."""

    def wrap(call: Call) -> Any:
        def view(self: TransferRequestViewSet, request: Request, pk: str | None = None) -> Response:
            req = self.get_object()

            def run() -> Response:
                parsed = body(data=request.data)
                parsed.is_valid(raise_exception=True)
                data = dict(parsed.validated_data)
                # Not from the body: whether this session gave its second factor (a system
                # token never has; accounts/second_factor.py).
                data["second_factor"] = second_factor.is_verified(request.user)
                call(req, self.staff, data, self.client_ip)
                return Response(self.get_serializer(self._fresh(req.pk)).data)

            return run_idempotent(request, run)

        view.__name__ = call.__name__
        view.__doc__ = call.__doc__
        as_action = action(detail=True, methods=["post"], url_path=url_path)(view)
        # After @action, which would otherwise replace the schema this attaches.
        return extend_schema(
            summary=summary,
            request=body if body is not EmptySerializer else None,
            responses={200: TransferRequestSerializer},
        )(as_action)

    return wrap


class TransferRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BranchViewSet):
    """Transfer and closure requests of the caller's branch."""

    serializer_class = TransferRequestSerializer
    read_permission = "transfers.view_transferrequest"
    scopes = {"read": "transfers:read", "write": "transfers:write"}
    action_scopes = {
        "approve": "approvals:write",
        "phone_approval": "approvals:write",
        "send_back": "approvals:write",
        "recall": "approvals:write",
    }

    def get_queryset(self) -> Any:
        qs = request_detail_queryset(self.staff.branch_pk, history=False).order_by(
            "-created_at", "-pk"
        )
        if self.action == "list":
            filters = TransferFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            if "state" in filters.validated_data:
                qs = qs.filter(state=filters.validated_data["state"])
            if "customer" in filters.validated_data:
                qs = qs.filter(customer_id=filters.validated_data["customer"])
        return qs

    def _fresh(self, pk: int) -> TransferRequest:
        return request_detail_queryset(self.staff.branch_pk, history=False).get(pk=pk)

    @extend_schema(parameters=[TransferFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always pages (api/pagination.py)
        context = {
            **self.get_serializer_context(),
            "closure_conditions": closure_conditions_shown(page),
        }
        rows = self.get_serializer_class()(page, many=True, context=context)
        return self.get_paginated_response(rows.data)

    @extend_schema(request=TransferCreateSerializer, responses={201: TransferRequestSerializer})
    def create(self, request: Request) -> Response:
        def run() -> Response:
            parsed = TransferCreateSerializer(data=request.data)
            parsed.is_valid(raise_exception=True)
            data = dict(parsed.validated_data)
            customer = Customer.objects.filter(
                pk=data.pop("customer"), branch_id=self.staff.branch_pk
            ).first()
            if customer is None:
                raise serializers.ValidationError({"customer": [_("No such customer.")]})
            req = services.transfer_request_create(
                customer=customer, actor=self.staff, client_ip=self.client_ip, **data
            )
            return Response(self.get_serializer(self._fresh(req.pk)).data, status=201)

        return run_idempotent(request, run)

    @_action("documents", DocumentsSerializer, "Verify the documents (Art. 8)")
    def documents(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_documents_verify(
            request=req, actor=actor, checked=data["checked"], client_ip=ip
        )

    @_action("refuse", RefuseSerializer, "Refuse the request")
    def refuse(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_refuse(
            request=req, actor=actor, reason=data["reason"], client_ip=ip
        )

    @_action("reason", ReasonSerializer, "Record why the customer leaves (Art. 8(3))")
    def reason(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_reason_record(
            request=req,
            actor=actor,
            primary_reason=_reason(data["primary_reason"], "primary_reason"),
            other_reasons=[_reason(c, "other_reasons") for c in data["other_reasons"]],
            note=data["note"],
            client_ip=ip,
        )

    @_action("go-on", CommentSerializer, "The customer still wants to go: on to approval")
    def go_on(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_go_on(
            request=req, actor=actor, comment=data["comment"], client_ip=ip
        )

    @_action("stays", CommentSerializer, "The customer stays: the request is withdrawn")
    def stays(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_customer_stays(
            request=req, actor=actor, comment=data["comment"], client_ip=ip
        )

    @_action("defer", DeferSerializer, "Defer the request to a follow-up day")
    def defer(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_defer(
            request=req,
            actor=actor,
            follow_up_on=data["follow_up_on"],
            comment=data["comment"],
            client_ip=ip,
        )

    @_action("resume", CommentSerializer, "Resume a deferred request")
    def resume(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_resume(
            request=req, actor=actor, comment=data["comment"], client_ip=ip
        )

    @_action("approve", NoteSerializer, "Approve in person (the caller is the approver)")
    def approve(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_approve(
            request=req,
            actor=actor,
            note=data["note"],
            client_ip=ip,
            second_factor=data["second_factor"],
        )

    @_action("phone-approval", PhoneApprovalSerializer, "Record an approval given by phone")
    def phone_approval(req, actor, data, ip):  # type: ignore[no-untyped-def]
        approver = Staff.objects.filter(pk=data["approver"], branch_id=actor.branch_id).first()
        if approver is None:
            raise serializers.ValidationError({"approver": [_("No such member of staff.")]})
        return services.transfer_record_phone_approval(
            request=req, actor=actor, approver=approver, note=data["note"], client_ip=ip
        )

    @_action("send-back", SendBackSerializer, "Send the request back to the counter")
    def send_back(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_send_back(
            request=req, actor=actor, comment=data["comment"], client_ip=ip
        )

    @_action(
        "recall",
        RecallSerializer,
        "Recall the caller's own approval until processing starts; later steps fall with it",
    )
    def recall(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.approval_recall(
            request=req, actor=actor, reason=data["reason"], client_ip=ip
        )

    @_action("recheck", EmptySerializer, "Check a blocked request's conditions again (Art. 16)")
    def recheck(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_recheck(request=req, actor=actor, client_ip=ip)

    @_action("start-processing", EmptySerializer, "Start processing (checks Art. 16 again)")
    def start_processing(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_start_processing(request=req, actor=actor, client_ip=ip)

    @_action("password", PasswordSerializer, "The customer confirms with their password")
    def password(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_confirm_password(
            request=req, actor=actor, password=data["password"], client_ip=ip
        )

    @_action(
        "unlock",
        CommentSerializer,
        "Unlock after wrong passwords (marketing director, comment required)",
    )
    def unlock(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_unlock_password(
            request=req, actor=actor, comment=data["comment"], client_ip=ip
        )

    @_action("complete", CompleteSerializer, "Complete: fee, receipt number, documents kept")
    def complete(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_complete(
            request=req, actor=actor, retained=data["retained"], client_ip=ip
        )

    @_action("close-account", EmptySerializer, "Close the fund account once Art. 19 allows it")
    def close_account(req, actor, data, ip):  # type: ignore[no-untyped-def]
        return services.transfer_close_account(request=req, actor=actor, client_ip=ip)
