"""The `permission=` of the archives' transitions: who may take one is answered once, by a
predicate of archives/permissions.py, which the transition asks by name. It is imported when
a transition is checked, not here: the permissions read these models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def asks(predicate: str) -> Callable[[Any, Any], bool]:
    """`permission=asks("may_grant_access")`: django-fsm calls it with (instance, user); the
    predicate is asked (user, instance), as everywhere else."""

    def permission(instance: Any, user: Any) -> bool:
        from .. import permissions

        return bool(getattr(permissions, predicate)(user, instance))

    permission.__name__ = predicate
    return permission
