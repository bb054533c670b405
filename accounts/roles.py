"""The branch's roles. Each is a Django group; what a role may do in the workflow is decided
by the services, and the model permissions here only open the admin and pages to it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTER_CLERK = "counter_clerk", _("Counter clerk")
    COUNTER_LEAD = "counter_lead", _("Counter lead")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    MARKETING_DIRECTOR = "marketing_director", _("Marketing director")
    GENERAL_MANAGER = "general_manager", _("General manager")
    ARCHIVIST = "archivist", _("Archivist")
    COMPANY_HEAD = "company_head", _("Company head")
    AUDITOR = "auditor", _("Auditor")


# Roles that work the counter: they start requests and carry them through processing.
COUNTER_ROLES = frozenset({Role.COUNTER_CLERK, Role.COUNTER_LEAD})
# Roles that see the whole branch's customers and requests (everyone but the archivist and
# company head, whose work is the archives).
BRANCH_READERS = frozenset(set(Role) - {Role.ARCHIVIST, Role.COMPANY_HEAD})

_VIEW_BUSINESS = [
    "accounts.view_customer",
    "transfers.view_transferrequest",
    "transfers.view_approval",
    "transfers.view_transferauditentry",
    "transfers.view_appointment",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COUNTER_CLERK: [*_VIEW_BUSINESS, "transfers.add_transferrequest"],
    Role.COUNTER_LEAD: [*_VIEW_BUSINESS, "transfers.add_transferrequest"],
    Role.ACCOUNT_MANAGER: [*_VIEW_BUSINESS],
    Role.MARKETING_DIRECTOR: [
        *_VIEW_BUSINESS,
        "transfers.add_appointment",
        "transfers.change_appointment",
        "accounts.change_customer",
        "transfers.view_feeschedule",
    ],
    Role.GENERAL_MANAGER: [
        *_VIEW_BUSINESS,
        "transfers.add_appointment",
        "transfers.change_appointment",
        "accounts.change_customer",
        "accounts.view_branch",
        "accounts.change_branch",
        "transfers.view_feeschedule",
        "transfers.change_feeschedule",
        "branch_ops.view_calendaryear",
        "branch_ops.add_calendaryear",
        "branch_ops.view_exchangeholiday",
        "branch_ops.add_exchangeholiday",
        "branch_ops.change_exchangeholiday",
        "branch_ops.delete_exchangeholiday",
    ],
    Role.ARCHIVIST: ["accounts.view_customer"],
    Role.COMPANY_HEAD: ["accounts.view_customer"],
    Role.AUDITOR: [
        *_VIEW_BUSINESS,
        "accounts.view_branch",
        "accounts.view_staff",
        "transfers.view_feeschedule",
        "branch_ops.view_calendaryear",
        "branch_ops.view_exchangeholiday",
        "branch_ops.view_coreaccountstate",
    ],
}
