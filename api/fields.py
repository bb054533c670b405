"""Small serializer pieces shared by the API modules."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from rest_framework import serializers

from api.viewsets import MAX_ID
from kernel.params import FIRST_DAY, LAST_DAY, SPAN_MESSAGE


def id_field(**kwargs: object) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)  # type: ignore[arg-type]


def day_field(**kwargs: object) -> serializers.DateField:
    """A date inside the span the records and calendars hold, as the pages' forms take it
    (kernel.params.DayField): a revisit in the year 1 is a 400, not a record."""
    validators = [
        MinValueValidator(FIRST_DAY, message=SPAN_MESSAGE),
        MaxValueValidator(LAST_DAY, message=SPAN_MESSAGE),
    ]
    return serializers.DateField(validators=validators, **kwargs)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class EmptySerializer(serializers.Serializer):
    pass
