"""Branch isolation and least privilege, in one place for pages, admin and API (PIPL Art. 51;
JR/T 0060). Two rules:

1. Isolation: staff see only their own branch's rows. Another branch's record does not exist
   for them (404, never 403, so ids cannot be probed). `scope_to_branch` is the one filter.
2. Least privilege: a role has the capabilities below and no other. The services enforce the
   workflow's own rules (who approves what, Art. 9, 10, 17); this map says who may reach a
   kind of page at all.

tests/security/policy_matrix.py holds the expected answer of every URL for every role, own
branch and other branch; tests/security/test_policy_matrix.py checks it and fails when a URL
is added without a row there."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models

from accounts.roles import BRANCH_READERS, COUNTER_ROLES, Role


class Capability(StrEnum):
    READ_BUSINESS = "read_business"  # customers' requests, approvals, retention, revisits
    READ_CUSTOMER = "read_customer"  # the customer page (masked; logged)
    SEE_FULL_PII = "see_full_pii"  # the full identity number and phone, to verify a person
    COUNTER_WORK = "counter_work"  # receive and process requests (Art. 8, 11)
    APPROVE = "approve"  # approve by tier (Art. 9, 10, 17)
    MANAGE_TIERS = "manage_tiers"
    READ_ARCHIVES = "read_archives"
    READ_JOBS = "read_jobs"
    AUDIT = "audit"


_APPROVERS = {Role.COUNTER_LEAD, Role.ACCOUNT_MANAGER, Role.MARKETING_DIRECTOR}
_APPROVERS |= {Role.GENERAL_MANAGER}

CAPABILITIES: dict[Role, frozenset[Capability]] = {
    role: frozenset(
        cap
        for cap, holders in {
            Capability.READ_BUSINESS: BRANCH_READERS,
            Capability.READ_CUSTOMER: set(Role),
            Capability.SEE_FULL_PII: COUNTER_ROLES,
            Capability.COUNTER_WORK: COUNTER_ROLES,
            Capability.APPROVE: _APPROVERS,
            Capability.MANAGE_TIERS: {Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER},
            Capability.READ_ARCHIVES: {Role.ARCHIVIST, Role.COMPANY_HEAD, Role.AUDITOR},
            Capability.READ_JOBS: {Role.GENERAL_MANAGER, Role.AUDITOR},
            Capability.AUDIT: {Role.AUDITOR},
        }.items()
        if role in holders
    )
    for role in Role
}


def has_capability(user: Any, capability: Capability) -> bool:
    roles: frozenset[str] = getattr(user, "role_names", frozenset())
    return any(capability in CAPABILITIES[Role(r)] for r in roles if r in Role.values)


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
