"""What a new request's typed fields must look like: the one place the request form, the API's
serializer and transfer_request_create ask, so a page, a caller and a test see the same
refusal in the same words. The field lengths here are the model's, shared by page and API.

The Shenzhen receiving seat: neither the branch's norm nor DOMAIN.md gives its format; a
Shenzhen trading seat (交易单元) is numbered with 6 digits, and that is what is checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from accounts.models import IdType
from accounts.pii import normalise_id_number
from accounts.validators import PERSONAL_ID_TYPES, id_number_problem

from .models import TransferRequest


def _max_length(name: str) -> int:
    field = TransferRequest._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length, name
    return field.max_length


BROKER_MAX_LENGTH = _max_length("sz_receiving_broker")
SEAT_MAX_LENGTH = _max_length("sz_receiving_seat")
AGENT_NAME_MAX_LENGTH = _max_length("agent_name")
AGENT_ID_MAX_LENGTH = _max_length("agent_id_number")

AGENT_ID_TYPE_CHOICES = [(t.value, t.label) for t in PERSONAL_ID_TYPES]

_SZ_SEAT = re.compile(r"\d{6}")


def normalise_seat(value: str) -> str:
    return re.sub(r"\s+", "", value or "")


def sz_seat_problem(value: str) -> str | None:
    seat = normalise_seat(value)
    if not _SZ_SEAT.fullmatch(seat):
        return _("A Shenzhen trading seat is 6 digits (e.g. 077011); “{seat}” is not.").format(
            seat=seat[:SEAT_MAX_LENGTH]
        )
    return None


def request_input_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """Field → what is wrong, for the fields of a new request that have a format. A field
    that does not apply (the seat without a custody transfer, the agent's number when the
    customer came in person) is not checked; leaving a needed one empty is the service's
    to say, with the others."""
    problems: dict[str, str] = {}
    seat = data.get("sz_receiving_seat") or ""
    if data.get("wants_sz_transfer") and normalise_seat(seat):
        problem = sz_seat_problem(seat)
        if problem:
            problems["sz_receiving_seat"] = problem
    if not data.get("by_agent"):
        return problems
    id_type = data.get("agent_id_type") or IdType.RESIDENT_ID
    number = data.get("agent_id_number") or ""
    if id_type not in PERSONAL_ID_TYPES:
        problems["agent_id_type"] = _(
            "An agent's identity document is a resident identity card, a passport or a Hong "
            "Kong/Macau/Taiwan residence permit."
        )
    elif normalise_id_number(number):
        problem = id_number_problem(id_type, number)
        if problem:
            problems["agent_id_number"] = problem
    return problems
