"""The customer master's import over the API, for the firm's integration layer: a file in,
a preview id out; apply by id. The same services as the page (core_system/staging.py): the
file is kept encrypted between the two calls, and only the file previewed is applied. It
lives with the API's infrastructure because core_system sits below it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core_system.customer_master import max_bytes
from core_system.models import CustomerImport
from core_system.staging import customer_import_apply, customer_import_upload
from kernel.errors import InvalidInput

from .idempotency import run_idempotent
from .parsers import JSONParser
from .viewsets import BranchViewSet

COUNTS = ("rows", "new", "changed", "unchanged", "absent", "bad")


class CustomerImportCountsSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    absent = serializers.IntegerField()
    bad = serializers.IntegerField()


class CustomerImportSummarySerializer(serializers.ModelSerializer):
    counts = serializers.SerializerMethodField()
    applicable = serializers.BooleanField(read_only=True)
    refusal = serializers.SerializerMethodField(
        help_text="Why the file cannot be applied; empty when it can."
    )

    class Meta:
        model = CustomerImport
        fields = [
            "id",
            "state",
            "filename",
            "full",
            "digest",
            "applicable",
            "refusal",
            "counts",
            "created_at",
            "applied_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CustomerImportCountsSerializer)
    def get_counts(self, obj: CustomerImport) -> dict[str, int]:
        return {key: getattr(obj, key) for key in COUNTS}

    def get_refusal(self, obj: CustomerImport) -> str:
        return str((obj.report or {}).get("refusal") or "")


class CustomerImportSerializer(CustomerImportSummarySerializer):
    report = serializers.JSONField(
        read_only=True,
        help_text="New, changed (old → new, personal fields masked), absent, departed "
        "managers' customers and bad lines with their reasons; lists capped, counts complete.",
    )

    class Meta(CustomerImportSummarySerializer.Meta):
        fields = [*CustomerImportSummarySerializer.Meta.fields, "report"]
        read_only_fields = fields


class CustomerImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The export: CSV (UTF-8 or GB18030) or XLSX.")
    full = serializers.BooleanField(
        default=False, help_text="A full export (absent customers are reported)."
    )
    encoding = serializers.ChoiceField(
        choices=["utf-8", "gb18030"], required=False, help_text="Detected when not given."
    )

    def validate_file(self, upload: Any) -> Any:
        if upload.size > max_bytes():
            raise InvalidInput(
                _("The file is larger than {mb} MB, more than a branch's master.").format(
                    mb=max_bytes() // (1024 * 1024)
                ),
                code="customer_master_refused",
                details={"field": "file"},
            )
        return upload


class CustomerImportViewSet(mixins.RetrieveModelMixin, BranchViewSet):
    """The branch's customer-master imports: preview a file, read the report, apply it."""

    serializer_class = CustomerImportSerializer
    read_permission = "core_system.view_customerimport"
    scopes = {"read": "customers:import", "write": "customers:import"}

    def get_queryset(self) -> Any:
        return CustomerImport.objects.filter(branch_id=self.staff.branch_pk)

    # The upload is multipart (a file); apply has no body, or an empty JSON one.
    parser_classes = [parsers.MultiPartParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": CustomerImportUploadSerializer},
        responses={201: CustomerImportSummarySerializer},
        description="Preview an export: nothing changes. The answer's id applies it.",
    )
    def create(self, request: Request) -> Response:
        params = CustomerImportUploadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        upload = params.validated_data["file"]
        preview = customer_import_upload(
            branch=self.staff.own_branch,
            actor=self.staff,
            data=upload.read(),
            filename=upload.name or "",
            full=params.validated_data["full"],
            encoding=params.validated_data.get("encoding") or None,
        )
        return Response(
            CustomerImportSummarySerializer(preview).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=None,
        responses={200: CustomerImportSummarySerializer},
        description="Load the previewed file, all or nothing; applying again changes "
        "nothing. Honours Idempotency-Key.",
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        preview = self.get_object()

        def run() -> Response:
            record = customer_import_apply(preview=preview, actor=self.staff)
            return Response(CustomerImportSummarySerializer(record).data)

        return run_idempotent(request, run)
