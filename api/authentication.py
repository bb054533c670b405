"""`Authorization: Token <key>` for systems. The key is looked up by its SHA-256, so the
database never holds a usable key."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.models import SystemToken

if TYPE_CHECKING:
    from accounts.models import Branch, Staff

KEYWORD = "Token"
# "Last used" answers "is this integration still alive?": to the minute is enough, and it
# spares a write on every call of a busy system (the benchmark's lifecycle makes ten a second).
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(32)


def system_token_issue(
    *, name: str, branch: Branch, acting_as: Staff, scopes: Iterable[str]
) -> tuple[SystemToken, str]:
    """A new token and its key. The key is returned this once and never stored."""
    key = new_key()
    token = SystemToken.objects.create(
        name=name,
        branch=branch,
        acting_as=acting_as,
        key_digest=digest(key),
        key_prefix=key[:8],
        scopes=sorted(set(scopes)),
    )
    return token, key


class SystemTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, SystemToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Token ”."))
        try:
            key = header[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        token = (
            SystemToken.objects.select_related("acting_as", "acting_as__branch", "branch")
            .filter(key_digest=digest(key), active=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        person = token.acting_as
        # A token whose person left, or moved branch, stops working rather than crossing over.
        if not person.is_active or person.branch_id != token.branch_id:
            raise exceptions.AuthenticationFailed(_("The token's person can no longer act."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
            SystemToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return person, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
