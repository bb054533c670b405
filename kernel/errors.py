"""The domain's errors. Services raise them with a message a person can read (Chinese by
default, translatable), a stable code and structured details. The type says what kind of
refusal it is, and so what every adapter answers: the API's status (api/errors.py) and the
pages' behaviour (kernel/web.py) — never a 500.

    raise Conflict(_("Already approved."), code=TransferErrorCode.ALREADY_APPROVED)

Codes are stable strings a caller may act on: the generic ones below, and each domain's own
in `<app>/errors.py` as TextChoices."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    INVALID = "invalid", _("invalid input")
    FORBIDDEN = "forbidden", _("not allowed for this person")
    NOT_FOUND = "not_found", _("not found")
    CONFLICT = "conflict", _("conflicts with what is already recorded")
    INVALID_STATE = "invalid_state", _("not possible in the record's current state")
    CONDITIONS_UNMET = "conditions_unmet", _("a condition of this step does not hold")


class ApplicationError(Exception):
    """A refusal the person can read. Raise one of the subclasses; the base class is what
    adapters catch."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = ErrorCode.INVALID

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = str(code or self.default_code)
        self.details = details if details is not None else {}

    def __str__(self) -> str:
        return self.message


class InvalidInput(ApplicationError):
    """What was entered is wrong or incomplete: the person corrects it and tries again."""


class Forbidden(ApplicationError):
    """This person may not do this (their role, their own request, the four-eyes rule)."""

    status = 403
    default_code = ErrorCode.FORBIDDEN


class NotFound(ApplicationError):
    """No such record for this person: another branch's record is not found either."""

    status = 404
    default_code = ErrorCode.NOT_FOUND


class Conflict(ApplicationError):
    """It clashes with what is already recorded: already approved, not yet due, a
    duplicate. Trying again will not help until something else changes."""

    status = 409
    default_code = ErrorCode.CONFLICT


class InvalidState(Conflict):
    """Not possible in the record's current state (a transition whose source or condition
    does not hold)."""

    default_code = ErrorCode.INVALID_STATE


def require_same_branch(obj_branch_id: int | None, actor: Any) -> None:
    """Another branch's record does not exist as far as this person is concerned: a 404,
    never a 403 that would confirm it is there. A person of no branch (the head office) has
    no branch's records either."""
    branch_id = getattr(actor, "branch_id", None)
    if branch_id is None or obj_branch_id != branch_id:
        raise NotFound(gettext("Not found."))
