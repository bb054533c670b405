"""Staff from the firm's directory (LDAP / Active Directory), when LDAP_SERVER_URI is set.

The directory is the truth for the people it holds: on each sign-in (and each night, in
the `accounts.directory_sync` job) a directory user's branch and roles are set from the
directory groups they belong to, through DIRECTORY_ROLE_GROUPS (group DN -> (branch code,
role)). A directory user never keeps a password here, so a person the directory drops or
disables cannot fall back on a local one.

django-auth-ldap and python-ldap are the optional `[ldap]` extra: nothing here imports them
until LDAP is configured (accounts/ldap_backend.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from .roles import Role, placement_refusal

if TYPE_CHECKING:
    from .models import Staff


class DirectoryRefused(Exception):
    """The directory holds the person but gives them no place here (no mapped group, or
    groups of two branches): they may not sign in."""


@dataclass(frozen=True)
class Placement:
    branch_code: str
    roles: frozenset[str]


def directory_enabled() -> bool:
    return bool(getattr(settings, "AUTH_LDAP_SERVER_URI", ""))


def role_groups() -> dict[str, tuple[str, str]]:
    """The configured mapping, group DNs lower-cased (DNs compare without case)."""
    mapping = getattr(settings, "DIRECTORY_ROLE_GROUPS", {}) or {}
    return {dn.lower(): (code, role) for dn, (code, role) in mapping.items()}


def role_groups_errors(mapping: dict[str, tuple[str, str]]) -> list[str]:
    """What is wrong with a mapping, said before anyone tries to sign in."""
    return [
        f"{dn}: {role!r} is not a role (one of {', '.join(Role.values)})"
        for dn, (_code, role) in mapping.items()
        if role not in Role.values
    ]


def placement_for(group_dns: Iterable[str]) -> Placement:
    """Where the directory puts a person: one branch (a staff member belongs to exactly one)
    and every role their mapped groups give them there."""
    mapping = role_groups()
    found = [mapping[dn.lower()] for dn in group_dns if dn.lower() in mapping]
    branches = {code for code, _role in found}
    if not branches:
        raise DirectoryRefused("no directory group of this person is mapped to a role")
    if len(branches) > 1:
        raise DirectoryRefused(f"groups of several branches: {', '.join(sorted(branches))}")
    return Placement(branch_code=branches.pop(), roles=frozenset(role for _c, role in found))


def staff_place(staff: Staff, *, dn: str, placement: Placement) -> None:
    """Before the directory user is saved: their DN, their branch, no local password. A
    head-office group is mapped with an empty branch code: the head office has no branch."""
    from .models import Branch

    refusal = placement_refusal(placement.roles, has_branch=bool(placement.branch_code))
    if refusal:
        raise DirectoryRefused(refusal)
    branch = None
    if placement.branch_code:
        branch = Branch.objects.filter(code=placement.branch_code).first()
        if branch is None:
            raise DirectoryRefused(f"branch {placement.branch_code!r} does not exist here")
    staff.branch = branch
    staff.directory_dn = dn
    staff.is_active = True
    # The directory checks the password; one kept here would outlive a disabled account.
    staff.set_unusable_password()


def staff_roles_set(staff: Staff, roles: Iterable[str]) -> None:
    """Exactly the roles the directory gives: a group left in the directory is a role lost."""
    staff.groups.set(Group.objects.filter(name__in=set(roles)))
    staff.__dict__.pop("role_names", None)


def directory_staff() -> Iterable[Staff]:
    from .models import Staff

    return Staff.objects.filter(is_active=True).exclude(directory_dn="").select_related("branch")


def staff_deactivate(staff: Staff) -> None:
    with transaction.atomic():
        staff.is_active = False
        staff.save(update_fields=["is_active"])


# Open work a person leaves behind: each app above accounts that gives staff work declares,
# in `<app>/open_work.py`, how to count it (accounts cannot import them: .importlinter).
OpenWorkCounter = Callable[["Staff"], int]
_OPEN_WORK: dict[str, tuple[object, OpenWorkCounter]] = {}
_discovered = False


def open_work(key: str, label: object) -> Callable[[OpenWorkCounter], OpenWorkCounter]:
    def register(func: OpenWorkCounter) -> OpenWorkCounter:
        _OPEN_WORK[key] = (label, func)
        return func

    return register


def open_work_of(staff: Staff) -> list[tuple[str, str, int]]:
    """(key, label, count) of each kind of open work the person holds, none that is zero."""
    global _discovered
    if not _discovered:
        autodiscover_modules("open_work")
        _discovered = True
    found = []
    for key in sorted(_OPEN_WORK):
        label, count = _OPEN_WORK[key]
        n = count(staff)
        if n:
            found.append((key, str(label), n))
    return found
