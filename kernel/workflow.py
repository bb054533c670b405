"""The one state-machine mechanism of every workflow object (a transfer request, an access
grant, a destruction, an inventory …): its states and transitions are declared with
django-fsm on the model — source, target, conditions, permission — and every change of
state goes through `transition_take`, which checks them against the locked row, saves with
`update_fields` and records the change, all in the caller's transaction. A condition
carries its own readable refusal (`Condition`), so no service re-checks state by hand to
find the words."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any

from django.utils.translation import gettext as _

from .errors import ErrorCode, Forbidden, InvalidInput, InvalidState


class Condition:
    """A transition condition that knows what to say when it does not hold (after
    viewflow's `CONDITION(is_true, unmet=…)`): `Condition(lambda r: r.x, unmet=_("…"))`."""

    def __init__(self, test: Callable[[Any], bool], *, unmet: Any, code: str = "") -> None:
        self.test = test
        self.unmet = unmet  # a lazy translation: said in the reader's language
        self.code = code
        self.__name__ = getattr(test, "__name__", "condition")

    def __call__(self, instance: Any) -> bool:
        return bool(self.test(instance))


class Permission:
    """A transition permission that knows what to say to whoever it refuses:
    `Permission(lambda obj, user: …, refused=_("Only the owner …"))`."""

    def __init__(self, test: Callable[[Any, Any], bool], *, refused: Any = None) -> None:
        self.test = test
        self.refused = refused  # a lazy translation: said in the reader's language
        self.__name__ = getattr(test, "__name__", "permission")

    def __call__(self, instance: Any, user: Any) -> bool:
        return bool(self.test(instance, user))


def asks(predicate: str, *, refused: Any = None) -> Permission:
    """`permission=asks("archives.permissions.may_grant_access")`: the transition asks the
    app's named predicate, `predicate(user, obj)` as everywhere else (django-fsm passes the
    object first). It is imported when a transition is checked, not when the model is
    defined: an app's permissions read its models."""
    module, _dot, name = predicate.rpartition(".")

    def test(instance: Any, user: Any) -> bool:
        return bool(getattr(import_module(module), name)(user, instance))

    test.__name__ = name
    return Permission(test, refused=refused)


# The transitions only a service takes, after its own checks (`by_system`): no person may.
NOBODY = Permission(lambda instance, user: False)
NOBODY.__name__ = "nobody"


def unmet_conditions(obj: Any, name: str) -> list[Condition]:
    """The conditions of transition `name` from the object's current state that do not hold."""
    transition = getattr(obj, name)._django_fsm.get_transition(
        getattr(obj, _state_field(obj, name))
    )
    if transition is None:
        return []
    return [c for c in transition.conditions or () if not c(obj)]


def may_take(obj: Any, name: str, actor: Any) -> bool:
    """Whether the transition table lets this person take `name` from the object's current
    state (source and permission; conditions are the service's to explain)."""
    meta = getattr(obj, name)._django_fsm
    state = getattr(obj, _state_field(obj, name))
    return bool(meta.has_transition(state) and meta.has_transition_perm(obj, state, actor))


def _state_field(obj: Any, name: str) -> str:
    field = getattr(obj, name)._django_fsm.field
    return field if isinstance(field, str) else field.name


def transition_take(
    obj: Any,
    name: str,
    *,
    actor: Any,
    record: Callable[[str, str], Any],
    by_system: bool = False,
    update_fields: Iterable[str] = (),
    state_refusal: str | None = None,
) -> str:
    """Take transition `name` on a locked row: refuse when no transition leaves the current
    state (InvalidState), when a condition does not hold (its own words) or when the actor's
    role does not allow it (Forbidden); then change the state, save it with `update_fields`
    and call `record(from_state, to_state)` to write the one audit row. `by_system` marks the
    transitions only a service takes after its own checks. Returns the state it left."""
    field = _state_field(obj, name)
    meta = getattr(obj, name)._django_fsm
    before = str(getattr(obj, field))
    if not meta.has_transition(before):
        display = getattr(obj, f"get_{field}_display", lambda: before)()
        message = state_refusal or _("This cannot be done while it is “{state}”.")
        raise InvalidState(message.format(state=display), details={"state": before})
    unmet = unmet_conditions(obj, name)
    if unmet:
        first = unmet[0]
        raise InvalidInput(
            str(getattr(first, "unmet", "")) or _("It is not ready for this step."),
            code=getattr(first, "code", "") or ErrorCode.CONDITIONS_UNMET,
            details={"unmet": [getattr(c, "__name__", "") for c in unmet]},
        )
    if not by_system and (actor is None or not meta.has_transition_perm(obj, before, actor)):
        permission = meta.get_transition(before).permission
        message = getattr(permission, "refused", None) or _("Your role does not allow this step.")
        raise Forbidden(str(message), details={"action": name})
    getattr(obj, name)()
    obj.save(update_fields=[field, *update_fields])
    record(before, str(getattr(obj, field)))
    return before
