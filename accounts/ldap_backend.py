"""The directory sign-in (django-auth-ldap), named in AUTHENTICATION_BACKENDS only when
LDAP_SERVER_URI is set: importing this module needs the `[ldap]` extra."""

from __future__ import annotations

import enum
from typing import Any

from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, _LDAPUser, ldap_error, populate_user

from .directory import DirectoryRefused, placement_for, staff_place, staff_roles_set
from .models import Staff


class DirectoryUnavailable(Exception):
    """The directory did not answer: nobody may be judged gone on its silence."""


class DirectoryStatus(enum.StrEnum):
    PRESENT = "present"
    GONE = "gone"  # absent, disabled by the search filter (AD), or in no mapped group
    DISABLED = "disabled"  # in the deny group (AUTH_LDAP_DENY_GROUP)


class DirectoryBackend(LDAPBackend):
    def get_user(self, user_id: int) -> Staff | None:
        # A session outlives the directory account: a deactivated person's ends with it
        # (django-auth-ldap's own get_user does not look at is_active).
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def authenticate_ldap_user(self, ldap_user: _LDAPUser, password: str) -> Staff | None:
        user = ldap_user.authenticate(password)
        if user is not None:
            staff_roles_set(user, user._directory_placement.roles)
        return user

    def directory_status(self, staff: Staff) -> DirectoryStatus:
        """Whether the directory still holds this person as one who may sign in here, read
        with the service account and the same search, groups and deny group as a sign-in.
        Raises DirectoryUnavailable when the directory fails to answer."""
        errors: list[Exception] = []

        def record(sender: Any, context: str, user: Any, exception: Exception, **kw: Any) -> None:
            errors.append(exception)

        ldap_error.connect(record, dispatch_uid="accounts.directory_status")
        try:
            ldap_user = _LDAPUser(self, username=staff.username)
            attrs = ldap_user.attrs
            if errors:
                raise DirectoryUnavailable(str(errors[0]))
            if attrs is None:
                return DirectoryStatus.GONE
            try:
                ldap_user._check_requirements()
            except ldap_user.AuthenticationFailed:
                return DirectoryStatus.DISABLED
            try:
                placement_for(ldap_user.group_dns)
            except DirectoryRefused:
                return DirectoryStatus.GONE
            if errors:
                raise DirectoryUnavailable(str(errors[0]))
            return DirectoryStatus.PRESENT
        finally:
            ldap_error.disconnect(dispatch_uid="accounts.directory_status")


@receiver(populate_user, sender=DirectoryBackend, dispatch_uid="accounts.directory_place")
def _place(sender: Any, user: Staff, ldap_user: _LDAPUser, **kwargs: Any) -> None:
    try:
        placement = placement_for(ldap_user.group_dns)
        staff_place(user, dn=ldap_user.dn, placement=placement)
    except DirectoryRefused as exc:
        # Caught by django-auth-ldap: the sign-in fails like a wrong password.
        raise ldap_user.AuthenticationFailed(str(exc)) from exc
    user._directory_placement = placement  # type: ignore[attr-defined]
