"""What every retention service shares: branch isolation and role checks with a message a
person can read."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Staff
from accounts.roles import Role
from kernel.errors import Forbidden, InvalidInput

# Who talks with customers about staying (Art. 8–10): the counter, the account manager, the
# marketing director and the general manager. The auditor reads only.
RETENTION_ROLES = (
    Role.COUNTER_CLERK,
    Role.COUNTER_LEAD,
    Role.ACCOUNT_MANAGER,
    Role.MARKETING_DIRECTOR,
    Role.GENERAL_MANAGER,
)
MANAGERS = (Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER)


def require_role(actor: Staff, *roles: str, message: str | None = None) -> None:
    if not actor.has_role(*roles):
        raise Forbidden(message or _("Your role does not allow this step."))


def clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(
            _("{field} cannot be empty.").format(field=field),
            details={"field": field},
        )
    if len(value) > max_length:
        raise InvalidInput(
            _("{field} is too long (at most {n} characters).").format(field=field, n=max_length),
            details={"field": field},
        )
    return value
