"""Art. 17's written sign-off of several phone approvals at once over the API: the same
service as the sign-off page (transfers.services.approvals_sign_off), idempotent."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import id_field
from api.idempotency import run_idempotent
from api.viewsets import BranchViewSet

from . import services
from .models import Approval, ApprovalStep
from .services.sign_offs import MAX_SITTING


class SignOffBatchSerializer(serializers.Serializer):
    approvals = serializers.ListField(
        child=id_field(),
        min_length=1,
        max_length=MAX_SITTING,
        help_text="The caller's own phone approvals to sign off: all of them, or none.",
    )


class SignedOffSerializer(serializers.ModelSerializer):
    class Meta:
        model = Approval
        fields = ["id", "request", "step", "signed_off_at"]
        read_only_fields = fields

    step = serializers.ChoiceField(choices=ApprovalStep.choices, read_only=True)


class SignOffResultSerializer(serializers.Serializer):
    signed = SignedOffSerializer(many=True)


class ApprovalViewSet(BranchViewSet):
    """Approvals of the caller's branch: their written sign-off (Art. 17)."""

    queryset = Approval.objects.none()
    read_permission = "transfers.view_transferrequest"
    scopes = {"read": "transfers:read", "write": "approvals:write"}

    @extend_schema(
        summary="Sign off several phone approvals in writing (Art. 17): all or none",
        request=SignOffBatchSerializer,
        responses={200: SignOffResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request) -> Response:
        def run() -> Response:
            parsed = SignOffBatchSerializer(data=request.data)
            parsed.is_valid(raise_exception=True)
            signed = services.approvals_sign_off(
                approval_ids=parsed.validated_data["approvals"],
                actor=self.staff,
                client_ip=self.client_ip,
            )
            return Response(SignOffResultSerializer({"signed": signed}).data)

        return run_idempotent(request, run)
