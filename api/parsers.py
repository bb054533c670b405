"""The API's one parser: JSON, no deeper than any of our bodies needs. Python's decoder
recurses once per level, so a few kilobytes of brackets would exhaust the stack and answer
with a 500; the depth is counted before decoding, in one pass that stops at the limit. The
size is Django's DATA_UPLOAD_MAX_MEMORY_SIZE (read as `request.body`), answered as a 413
in api/errors.py."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers
from rest_framework.settings import api_settings
from rest_framework.utils import json as drf_json

# The deepest body any endpoint accepts is an object holding a list of strings (depth 2);
# the margin leaves room for clients that wrap their calls.
MAX_DEPTH = 32

# A JSON string, escapes included: what is inside one is text, not structure. Linear: the
# two alternatives never match the same character.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


class BodyTooDeep(exceptions.ParseError):
    default_code = "body_too_deep"


def json_depth_exceeds(text: str, limit: int) -> bool:
    depth = 0
    for bracket in _NOT_A_BRACKET.sub("", _STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        # DRF's check: a text codec only, never one that decompresses (bz2_codec).
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except UnicodeError as exc:
            raise exceptions.ParseError(
                _("The body is not text in its declared encoding.")
            ) from exc
        if json_depth_exceeds(text, MAX_DEPTH):
            raise BodyTooDeep(
                _("The JSON body is nested more than {n} levels deep.").format(n=MAX_DEPTH)
            )
        parse_constant = drf_json.strict_constant if api_settings.STRICT_JSON else None
        try:
            return drf_json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise exceptions.ParseError(_("JSON parse error - {error}").format(error=exc)) from exc
