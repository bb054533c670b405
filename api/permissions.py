"""Who may call an endpoint at all. The business rules (who may approve, who processes)
stay in the services; these only ask: an active member of staff (directly or through a
token), whose role may read this kind of record (the same model permissions that open the
pages and the admin: accounts/roles.py), and, for a token, holding the endpoint's scope."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from accounts import second_factor
from api.models import SystemToken

# The scopes a system token may hold, one per group of endpoints.
SCOPES = {
    "customers:read": _("Read customers (masked identity numbers and phones)"),
    "customers:import": _("Preview and apply the core system's customer master"),
    "transfers:read": _("Read transfer requests"),
    "transfers:write": _("Create transfer requests and take the counter's workflow steps"),
    "approvals:write": _("Approve, record phone approvals, send back"),
    "commitments:read": _("Read commitments"),
    "commitments:write": _("Create, keep and cancel commitments"),
    "revisits:read": _("Read revisit tasks"),
    "revisits:write": _("Record revisit outcomes"),
    "archives:read": _("Read archive index cards (never files)"),
}


def required_scope(view: Any, request: Request) -> str | None:
    """A view declares `scopes = {"read": "...", "write": "..."}` and may name an action's
    own scope in `action_scopes`."""
    action = getattr(view, "action", None)
    own = getattr(view, "action_scopes", {}).get(action)
    if own:
        return str(own)
    scopes = getattr(view, "scopes", {})
    kind = "read" if request.method in permissions.SAFE_METHODS else "write"
    return scopes.get(kind)


class BranchStaffOrToken(permissions.BasePermission):
    message: Any = _("You may not do this.")
    code = "forbidden"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if getattr(user, "branch_id", None) is None:
            return False
        if not isinstance(request.auth, SystemToken) and second_factor.pending(request._request):
            # A person's session that still owes its second factor (accounts/second_factor.py);
            # a system's token is no person and signs in with its key alone.
            self.message = _(
                "Sign in with your second factor first: open the site and give the code."
            )
            self.code = "second_factor_required"
            return False
        read_perm = getattr(view, "read_permission", None)
        if read_perm and not user.has_perm(read_perm):
            return False
        if isinstance(request.auth, SystemToken):
            scope = required_scope(view, request)
            if scope is not None and scope not in request.auth.scopes:
                self.message = _("This token lacks the scope “{scope}”.").format(scope=scope)
                self.code = "scope_missing"
                return False
        return True
