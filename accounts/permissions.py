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

from .models import AccessPurpose, Customer, RevealedField
from .roles import BRANCH_ROLES, COUNTER_ROLES, Role


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


# --- The head office, above the branches ---------------------------------------------------


def is_head_office(actor: Any) -> bool:
    """A person of the head office: no branch of their own and no branch role
    (accounts/roles.placement_refusal keeps the two apart)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return getattr(actor, "branch_id", None) is None and not actor.has_role(*BRANCH_ROLES)


def sees_every_branch(actor: Any) -> bool:
    """Who reads across the branches (the head office's pages, never a branch's own): its
    marketing management and compliance, and the head office's administrator."""
    if getattr(actor, "is_superuser", False):
        return True
    has_role = getattr(actor, "has_role", None)
    return bool(has_role and has_role(Role.HQ_MARKETING, Role.HQ_COMPLIANCE))


def publishes_norm(actor: Any) -> bool:
    """The firm's norm for the branches is published by the head office's marketing
    management alone; compliance reads it and changes nothing."""
    has_role = getattr(actor, "has_role", None)
    return bool(has_role and has_role(Role.HQ_MARKETING))


def may_decide_refinement(actor: Any, refinement: Any = None) -> bool:
    """A branch's refinement that the norm sends up is decided where the norm is published."""
    return publishes_norm(actor)


def refines_norm(actor: Any) -> bool:
    """Art. 35: a branch refines the norm for its own situation; its general manager and
    marketing director decide how."""
    has_role = getattr(actor, "has_role", None)
    return bool(
        getattr(actor, "branch_id", None)
        and has_role
        and has_role(Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER)
    )


def reads_rules(actor: Any) -> bool:
    """The rules in force at a branch are read by its supervisors, counter lead and auditor,
    and across the branches by the head office."""
    has_role = getattr(actor, "has_role", None)
    if sees_every_branch(actor):
        return True
    return bool(
        getattr(actor, "branch_id", None)
        and has_role
        and has_role(Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER, Role.COUNTER_LEAD, Role.AUDITOR)
    )


def may_set_tier(actor: Any) -> bool:
    """A tier set by hand, over the computed one, is the managers' call."""
    return bool(actor.has_role(Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER))


# --- Personal information shown in full (PIPL Art. 6, 51) -----------------------------------
# Lists, queues, approvers' pages, exports and the API show a customer masked; these say
# who sees which field in full, where, and for what. Every such look is logged through
# accounts.services.customer_reveal.

# The directors answer for every revisit and hold the retention talk (Art. 28, 31): they call
# customers who are not their own.
_CALLING_SUPERVISORS = (Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER)


def sees_full_name(actor: Any) -> bool:
    """Art. 4: the counter compares the person in front of it with the identity card, so it
    sees the name in full on the customer's page, the page that starts a request, the
    request page and the business form the customer signs. A stand-in that is no one (the
    nightly filing printing the archive's copy) sees the customer masked."""
    has_role = getattr(actor, "has_role", None)
    return bool(has_role and has_role(*COUNTER_ROLES))


def may_verify_identity(actor: Any, customer: Customer) -> bool:
    """Art. 4: the counter asks for the identity number and phone in full to check the
    documents; another branch's customer is not theirs to check."""
    return actor.branch_id == customer.branch_id and sees_full_name(actor)


def may_reveal_phone(actor: Any, customer: Customer) -> bool:
    """To call the customer: their own account manager (Art. 31, 34), a director of the
    branch (Art. 28, 31), or the counter with the customer in front of it (Art. 4)."""
    if actor.branch_id != customer.branch_id:
        return False
    if actor.has_role(*COUNTER_ROLES, *_CALLING_SUPERVISORS):
        return True
    return bool(actor.has_role(Role.ACCOUNT_MANAGER) and customer.account_manager_id == actor.pk)


def may_correct_record(actor: Any) -> bool:
    """The head office's administrator corrects a record's personal fields in the admin;
    branch staff see them masked there."""
    return bool(getattr(actor, "is_superuser", False))


def may_reveal(actor: Any, customer: Customer, *, field: str, purpose: str) -> bool:
    """The one answer to "may this person see this field of this customer in full, for this
    purpose": each purpose opens only the fields it needs (PIPL Art. 6)."""
    if purpose == AccessPurpose.VERIFY_IDENTITY:
        allowed = field in (RevealedField.NAME, RevealedField.IDENTITY)
        return allowed and may_verify_identity(actor, customer)
    if purpose in (
        AccessPurpose.REVISIT_CALL,
        AccessPurpose.RETENTION_CALL,
        AccessPurpose.WORK_MEMO,
    ):
        return field == RevealedField.PHONE and may_reveal_phone(actor, customer)
    if purpose == AccessPurpose.CORRECT_RECORD:
        return field == RevealedField.RECORD and may_correct_record(actor)
    return False
