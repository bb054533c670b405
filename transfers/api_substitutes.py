"""Substitutes for a period over the API: list, name and cancel, through the same services
as /approvals/substitutes/ (transfers/services/substitutes.py), idempotent like the rest."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Staff
from api.fields import EmptySerializer, day_field, id_field
from api.idempotency import run_idempotent
from api.viewsets import BranchViewSet
from kernel.calendar import beijing_today
from kernel.errors import Forbidden

from . import permissions, services
from .models import ApprovalStep, Substitution


class SubstitutionSerializer(serializers.ModelSerializer):
    steps = serializers.ListField(child=serializers.ChoiceField(choices=ApprovalStep.choices))
    absent_name = serializers.CharField(source="absent.__str__", read_only=True)
    substitute_name = serializers.CharField(source="substitute.__str__", read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Substitution
        fields = [
            "id",
            "absent",
            "absent_name",
            "substitute",
            "substitute_name",
            "steps",
            "starts_on",
            "ends_on",
            "reason",
            "named_by",
            "created_at",
            "cancelled_at",
            "available_actions",
        ]
        read_only_fields = fields

    def get_available_actions(self, obj: Substitution) -> list[str]:
        actor = self.context["request"].user
        if permissions.may_cancel_substitution(actor, obj) and obj.ends_on >= beijing_today():
            return ["cancel"]
        return []


class SubstitutionCreateSerializer(serializers.Serializer):
    absent = id_field()
    substitute = id_field()
    steps = serializers.ListField(
        child=serializers.ChoiceField(choices=ApprovalStep.choices), allow_empty=False
    )
    starts_on = day_field()
    ends_on = day_field()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SubstitutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BranchViewSet):
    """Substitutes named in the caller's branch (Art. 17: approvers who are out)."""

    serializer_class = SubstitutionSerializer
    read_permission = "transfers.view_transferrequest"
    scopes = {"read": "transfers:read", "write": "approvals:write"}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not permissions.sees_substitutes(self.staff):
            raise Forbidden(_("Substitutes are named by the branch's approvers."))

    def get_queryset(self) -> Any:
        return (
            Substitution.objects.filter(branch_id=self.staff.branch_pk)
            .select_related("absent", "substitute")
            .order_by("-starts_on", "-pk")
        )

    def _staff(self, pk: int, field: str) -> Staff:
        found = Staff.objects.filter(pk=pk, branch_id=self.staff.branch_pk).first()
        if found is None:
            raise serializers.ValidationError({field: [_("No such member of staff here.")]})
        return found

    @extend_schema(
        summary="Name a substitute for a period",
        request=SubstitutionCreateSerializer,
        responses={201: SubstitutionSerializer},
    )
    def create(self, request: Request) -> Response:
        def run() -> Response:
            parsed = SubstitutionCreateSerializer(data=request.data)
            parsed.is_valid(raise_exception=True)
            data = dict(parsed.validated_data)
            made = services.substitution_create(
                actor=self.staff,
                absent=self._staff(data["absent"], "absent"),
                substitute=self._staff(data["substitute"], "substitute"),
                steps=data["steps"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
            )
            return Response(self.get_serializer(made).data, status=201)

        return run_idempotent(request, run)

    @extend_schema(
        summary="Cancel a substitution", request=None, responses={200: SubstitutionSerializer}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        substitution = self.get_object()

        def run() -> Response:
            EmptySerializer(data=request.data).is_valid(raise_exception=True)
            done = services.substitution_cancel(substitution=substitution, actor=self.staff)
            return Response(self.get_serializer(done).data)

        return run_idempotent(request, run)
