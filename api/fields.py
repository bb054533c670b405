"""Small serializer pieces shared by the API modules."""

from __future__ import annotations

from rest_framework import serializers

from api.viewsets import MAX_ID


def id_field(**kwargs: object) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)  # type: ignore[arg-type]


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class EmptySerializer(serializers.Serializer):
    pass
