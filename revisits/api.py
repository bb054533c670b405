"""Revisit tasks over the API: the caller's own or the branch's, and recording an outcome."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import day_field
from api.idempotency import run_idempotent
from api.viewsets import BranchViewSet

from . import permissions
from .models import Channel, Reason, RevisitTask, TaskStatus, Topic
from .services.outcomes import revisit_record


class RevisitTaskSerializer(serializers.ModelSerializer):
    reason = serializers.ChoiceField(choices=Reason.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    topics = serializers.ListField(child=serializers.ChoiceField(choices=Topic.choices))
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = RevisitTask
        fields = [
            "id",
            "customer",
            "reason",
            "owner",
            "due_on",
            "channel",
            "status",
            "topics",
            "outcome",
            "done_on",
            "next_contact_on",
            "next_task",
            "recorded_by",
            "recorded_at",
            "note",
            "created_at",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(),
            help_text="What the caller may do with this task now (revisits.permissions).",
        )
    )
    def get_available_actions(self, obj: RevisitTask) -> list[str]:
        return permissions.action_names(obj, self.context["request"].user)


class RevisitFilterSerializer(serializers.Serializer):
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only tasks the caller owns."
    )
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)


class RecordSerializer(serializers.Serializer):
    done_on = day_field()
    channel = serializers.ChoiceField(choices=Channel.choices)
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=Topic.choices), max_length=20
    )
    outcome = serializers.CharField(max_length=4000)
    next_contact_on = day_field(required=False, allow_null=True, default=None)


class RevisitTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BranchViewSet):
    serializer_class = RevisitTaskSerializer
    read_permission = "revisits.view_revisittask"
    scopes = {"read": "revisits:read", "write": "revisits:write"}

    def get_queryset(self) -> Any:
        qs = RevisitTask.objects.filter(branch_id=self.staff.branch_pk).order_by("due_on", "pk")
        if self.action == "list":
            filters = RevisitFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            if filters.validated_data["mine"]:
                qs = qs.filter(owner=self.staff)
            if "status" in filters.validated_data:
                qs = qs.filter(status=filters.validated_data["status"])
        return qs

    @extend_schema(parameters=[RevisitFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RecordSerializer, responses={200: RevisitTaskSerializer})
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        """Record the revisit (Art. 31): what was covered and what the customer said."""
        task = self.get_object()

        def run() -> Response:
            parsed = RecordSerializer(data=request.data)
            parsed.is_valid(raise_exception=True)
            done = revisit_record(
                task=task, actor=self.staff, client_ip=self.client_ip, **parsed.validated_data
            )
            return Response(self.get_serializer(done).data)

        return run_idempotent(request, run)
