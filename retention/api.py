"""Commitments (Art. 29) over the API: list, create, keep, cancel — the services decide who."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Customer, Staff
from api.fields import day_field, id_field
from api.idempotency import run_idempotent
from api.viewsets import BranchViewSet
from transfers.models import TransferRequest

from . import permissions
from .models import Commitment, CommitmentStatus
from .services.commitments import commitment_cancel, commitment_create, commitment_keep


class CommitmentSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=CommitmentStatus.choices)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id",
            "customer",
            "request",
            "what",
            "owner",
            "due_on",
            "status",
            "evidence",
            "kept_on",
            "cancel_reason",
            "closed_at",
            "closed_by",
            "created_at",
            "created_by",
            "available_actions",
        ]
        read_only_fields = fields

    def get_available_actions(self, obj: Commitment) -> list[str]:
        """What the caller may do with this promise now (keep, cancel)."""
        return permissions.action_names(
            permissions.commitment_actions(obj, self.context["request"].user)
        )


class CommitmentCreateSerializer(serializers.Serializer):
    customer = id_field()
    what = serializers.CharField(max_length=300)
    owner = id_field(required=False, allow_null=True, default=None)
    due_on = day_field(required=False, allow_null=True, default=None)
    within_trading_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=250
    )
    request = id_field(required=False, allow_null=True, default=None)


class KeepSerializer(serializers.Serializer):
    evidence = serializers.CharField(max_length=2000)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class CommitmentFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CommitmentStatus.choices, required=False)
    customer = id_field(required=False)


class CommitmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BranchViewSet):
    serializer_class = CommitmentSerializer
    read_permission = "retention.view_commitment"
    scopes = {"read": "commitments:read", "write": "commitments:write"}

    def get_queryset(self) -> Any:
        qs = Commitment.objects.filter(branch_id=self.staff.branch_pk).order_by("due_on", "pk")
        if self.action == "list":
            filters = CommitmentFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            for name, value in filters.validated_data.items():
                qs = qs.filter(**{name: value})
        return qs

    @extend_schema(parameters=[CommitmentFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _branch_object(self, model: Any, pk: int | None, field: str) -> Any:
        if pk is None:
            return None
        found = model.objects.filter(pk=pk, branch_id=self.staff.branch_id).first()
        if found is None:
            raise serializers.ValidationError({field: [_("Not found in this branch.")]})
        return found

    @extend_schema(request=CommitmentCreateSerializer, responses={201: CommitmentSerializer})
    def create(self, request: Request) -> Response:
        def run() -> Response:
            parsed = CommitmentCreateSerializer(data=request.data)
            parsed.is_valid(raise_exception=True)
            data = parsed.validated_data
            commitment = commitment_create(
                customer=self._branch_object(Customer, data["customer"], "customer"),
                actor=self.staff,
                what=data["what"],
                owner=self._branch_object(Staff, data["owner"], "owner"),
                due_on=data["due_on"],
                within_trading_days=data["within_trading_days"],
                request=self._branch_object(TransferRequest, data["request"], "request"),
                client_ip=self.client_ip,
            )
            return Response(self.get_serializer(commitment).data, status=201)

        return run_idempotent(request, run)

    @extend_schema(request=KeepSerializer, responses={200: CommitmentSerializer})
    @action(detail=True, methods=["post"])
    def keep(self, request: Request, pk: str | None = None) -> Response:
        commitment = self.get_object()

        def run() -> Response:
            parsed = KeepSerializer(data=request.data)
            parsed.is_valid(raise_exception=True)
            kept = commitment_keep(
                commitment=commitment,
                actor=self.staff,
                evidence=parsed.validated_data["evidence"],
                client_ip=self.client_ip,
            )
            return Response(self.get_serializer(kept).data)

        return run_idempotent(request, run)

    @extend_schema(request=CancelSerializer, responses={200: CommitmentSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        commitment = self.get_object()

        def run() -> Response:
            parsed = CancelSerializer(data=request.data)
            parsed.is_valid(raise_exception=True)
            cancelled = commitment_cancel(
                commitment=commitment,
                actor=self.staff,
                reason=parsed.validated_data["reason"],
                client_ip=self.client_ip,
            )
            return Response(self.get_serializer(cancelled).data)

        return run_idempotent(request, run)
