"""Branch isolation and least privilege, in one place for pages, admin and API (PIPL Art. 51;
JR/T 0060). Two rules:

1. Isolation: staff see only their own branch's rows. Another branch's record does not exist
   for them (404, never 403, so ids cannot be probed). `scope_to_branch` is the one filter.
2. Least privilege: who may do what is each app's own `permissions.py` (this one for
   accounts): named predicates the services enforce and pages, admin, API show.

tests/security/policy_matrix.py holds the expected answer of every URL for every role, own
branch and other branch; tests/security/test_policy_matrix.py checks it and fails when a URL
is added without a row there."""

from __future__ import annotations

from typing import Any

from django.db import models

from .roles import Role


def scope_to_branch(
    queryset: models.QuerySet[Any], user: Any, lookup: str | None
) -> models.QuerySet[Any]:
    """Rule 1. `lookup` is the path from the queryset's model to its branch; None for data
    every branch shares. A superuser (head office's administrator) sees every branch."""
    if lookup is None or getattr(user, "is_superuser", False):
        return queryset
    branch_id = getattr(user, "branch_id", None)
    if branch_id is None:
        return queryset.none()
    return queryset.filter(**{lookup: branch_id})


def may_set_tier(actor: Any) -> bool:
    """A tier set by hand, over the computed one, is the managers' call."""
    return bool(actor.has_role(Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER))
