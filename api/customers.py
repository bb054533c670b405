"""Customers over the API: read and search only, a person's name, identity number and phone
masked in the list and the retrieve alike. The API never returns them in full, so reading it
writes no customer access-log row (PIPL Art. 51: full details are for the counter's page,
where every look is logged). It lives with the API's infrastructure because accounts sits
below it (a token acts as one of the branch's staff)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Customer, CustomerKind, IdType, Tier
from accounts.selectors import customer_search

from .viewsets import BranchViewSet

_MASKED = " Masked (PIPL Art. 51): the API never returns it in full."


class CustomerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(
        source="masked_name",
        help_text="A person's surname and one * per other character (张*); an institution's "
        "name in full." + _MASKED,
    )
    id_number = serializers.CharField(
        source="masked_id_number",
        help_text="The first six and last four characters (110101********1234)." + _MASKED,
    )
    phone = serializers.CharField(
        source="masked_phone",
        help_text="The first three and last four digits (138****5678)." + _MASKED,
    )
    kind = serializers.ChoiceField(choices=CustomerKind.choices)
    id_type = serializers.ChoiceField(choices=IdType.choices)
    tier = serializers.ChoiceField(choices=Tier.choices)
    approval_tier = serializers.ChoiceField(choices=Tier.choices)

    class Meta:
        model = Customer
        fields = [
            "id",
            "kind",
            "name",
            "id_type",
            "id_number",
            "phone",
            "fund_account",
            "sh_account",
            "sh_designated_here",
            "sz_account",
            "account_manager",
            "tier",
            "approval_tier",
        ]
        read_only_fields = fields


class CustomerSearchSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Fund account, full identity number or phone (exact), or part of the name.",
    )


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BranchViewSet):
    """The branch's customers. The full identity number finds a customer, but every
    representation shows it masked, the retrieve as the list."""

    serializer_class = CustomerSerializer
    read_permission = "accounts.view_customer"
    scopes = {"read": "customers:read"}

    def get_queryset(self) -> Any:
        branch = self.staff.own_branch
        if self.action == "list":
            params = CustomerSearchSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            query = params.validated_data.get("q", "")
            if query.strip():
                return customer_search(branch=branch, query=query)
        return (
            Customer.objects.for_branch(branch)
            .select_related("branch", "account_manager")
            .order_by("name", "pk")
        )

    @extend_schema(
        parameters=[CustomerSearchSerializer],
        description="The branch's customers, masked (PIPL Art. 51).",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        description="One customer of the branch, masked as in the list (PIPL Art. 51): the "
        "full name, identity number and phone are shown only on the counter's customer page, "
        "where each look is logged."
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)
