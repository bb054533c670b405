"""Archive index cards over the API: the record's metadata, never its files (opening files
is a per-record grant, records Art. 6, and stays on the archive pages)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.viewsets import BranchViewSet

from . import permissions
from .models import ArchiveRecord, Category, Medium, RecordStatus
from .selectors import archive_record_search, records_with_live_grant


class ArchiveRecordSerializer(serializers.ModelSerializer):
    category = serializers.ChoiceField(choices=Category.choices)
    medium = serializers.ChoiceField(choices=Medium.choices)
    status = serializers.ChoiceField(choices=RecordStatus.choices)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = ArchiveRecord
        fields = [
            "id",
            "number",
            "category",
            "year",
            "sequence",
            "medium",
            "status",
            "title",
            "customer",
            "transfer_request",
            "business_date",
            "cabinet",
            "box",
            "relationship_ended_on",
            "retention_until",
            "created_at",
            "filed_at",
            "destroyed_at",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(),
            help_text="What the caller may do with this record now (archives.permissions).",
        )
    )
    def get_available_actions(self, obj: ArchiveRecord) -> list[str]:
        user = self.context["request"].user
        # Read once for the whole page: the list's serializers share this context.
        if "granted" not in self.context:
            self.context["granted"] = records_with_live_grant(user=user)
        return permissions.action_names(obj, user, granted=self.context["granted"])


class ArchiveFilterSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    status = serializers.ChoiceField(choices=RecordStatus.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2200)


class ArchiveRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BranchViewSet):
    serializer_class = ArchiveRecordSerializer
    read_permission = "archives.view_archiverecord"
    scopes = {"read": "archives:read"}

    def get_queryset(self) -> Any:
        if self.action == "list":
            filters = ArchiveFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            data = filters.validated_data
            return archive_record_search(
                branch=self.staff.own_branch,
                # No free-text `q` yet: the selector's text search still matches the
                # identity number by value, which the encrypted field refuses.
                category=data.get("category", ""),
                status=data.get("status", ""),
                year=data.get("year"),
            )
        return ArchiveRecord.objects.for_branch(self.staff.own_branch).order_by("-pk")

    @extend_schema(parameters=[ArchiveFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
