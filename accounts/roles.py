"""The branch's roles, and the head office's above the branches. Each is a Django group; what a
role may do in the workflow is decided by the services, and the model permissions here only
open the admin and pages to it."""

from collections.abc import Iterable

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
    # Firm-wide: the exchanges' calendar is one for every branch, so one role keeps it.
    CALENDAR_KEEPER = "calendar_keeper", _("Calendar keeper")
    # The head office, above the branches: its marketing management publishes the firm's
    # norm and sees every branch; its compliance reads every branch, changes nothing and is
    # told of the firm-wide alerts.
    HQ_MARKETING = "hq_marketing", _("Head-office marketing")
    HQ_COMPLIANCE = "hq_compliance", _("Head-office compliance")


# Roles of the head office: a person holding only these belongs to no branch (the calendar
# keeper too, when it holds no branch role); anyone else belongs to exactly one.
HEAD_OFFICE_ROLES = frozenset({Role.HQ_MARKETING, Role.HQ_COMPLIANCE, Role.CALENDAR_KEEPER})
# Roles that make a person the head office's alone: they can never be held with a branch role.
HEAD_OFFICE_ONLY_ROLES = frozenset({Role.HQ_MARKETING, Role.HQ_COMPLIANCE})
# Roles that are a branch's: whoever holds one works at exactly one branch.
BRANCH_ROLES = frozenset(set(Role) - HEAD_OFFICE_ROLES)


# Roles that see and keep the trading calendar's horizon (its warning, its page).
CALENDAR_WATCHERS = frozenset({Role.CALENDAR_KEEPER, Role.GENERAL_MANAGER})
# Roles that work the counter: they start requests and carry them through processing.
COUNTER_ROLES = frozenset({Role.COUNTER_CLERK, Role.COUNTER_LEAD})
# Roles that see the whole branch's customers and requests (everyone but the archivist and
# company head, whose work is the archives, and the head office, which keeps the firm's
# calendar or looks across the branches, never inside one branch's pages).
BRANCH_READERS = frozenset(BRANCH_ROLES - {Role.ARCHIVIST, Role.COMPANY_HEAD})

_VIEW_BUSINESS = [
    "accounts.view_customer",
    "transfers.view_closurecandidate",
    "transfers.view_transferrequest",
    "transfers.view_approval",
    "transfers.view_transferauditentry",
    "transfers.view_appointment",
]

# The approvers' desk in the admin (proxies in transfers/admin/desk.py): the queue and their own
# phone approvals to sign off; the overdue sign-offs for the directors, late requests for the GM.
_APPROVER_DESK = ["transfers.view_approvalqueueitem", "transfers.view_pendingsignoff"]

# The archives in the admin, read-only (archives/admin.py): who reads what. Opening a
# record's files is never a role's: it is an object permission granted per record
# (archives.view_archive_files, records Art. 6).
_VIEW_ARCHIVES = [
    "archives.view_archiverecord",
    "archives.view_archivedocument",
    "archives.view_accessrequest",
    "archives.view_accesslogentry",
    "archives.view_archiveevent",
    "archives.view_integritycheck",
    "archives.view_inventorycheck",
    "archives.view_destructionrequest",
    "archives.view_destructionrecord",
    "archives.view_retentionrule",
]

# Retention (retention/): everyone who reads the branch's business reads these; the services
# decide who may write, the add/change permissions below only open the admin to a role.
_VIEW_RETENTION = [
    f"retention.view_{model}"
    for model in (
        "playbook",
        "playbookstep",
        "retentionattempt",
        "workmemo",
        "commitment",
        "commissionrange",
        "commissionagreement",
        "serviceteam",
        "staffdeparture",
        "retentioncontacttask",
        "complaint",
        "atriskflag",
        "branchretentionsettings",
        "dailycustomermetrics",
        "monthlyreport",
    )
]

# Revisits (revisits/): everyone who reads the branch's business reads these in the admin;
# every write goes through the revisit pages and their services. Job runs (/jobs/) are the
# general manager's and the auditor's.
_VIEW_REVISITS = [
    f"revisits.view_{model}"
    for model in (
        "revisittask",
        "revisitrule",
        "revisitevent",
        "eventinvitation",
    )
]
_VIEW_JOBS = ["jobs.view_jobrun"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COUNTER_CLERK: [
        *_VIEW_BUSINESS,
        *_VIEW_REVISITS,
        *_VIEW_RETENTION,
        "transfers.add_transferrequest",
    ],
    Role.COUNTER_LEAD: [
        *_VIEW_BUSINESS,
        *_VIEW_REVISITS,
        *_APPROVER_DESK,
        *_VIEW_RETENTION,
        "transfers.add_transferrequest",
    ],
    Role.ACCOUNT_MANAGER: [*_VIEW_BUSINESS, *_VIEW_REVISITS, *_APPROVER_DESK, *_VIEW_RETENTION],
    Role.MARKETING_DIRECTOR: [
        *_VIEW_BUSINESS,
        *_VIEW_REVISITS,
        *_APPROVER_DESK,
        "transfers.view_overduesignoff",
        "transfers.add_appointment",
        "transfers.change_appointment",
        "accounts.change_customer",
        "transfers.view_feeschedule",
        *_VIEW_RETENTION,
        # A revised playbook is a new version for the branch (retention/admin.py).
        "retention.add_playbook",
        "retention.add_serviceteam",
        "retention.change_serviceteam",
        "retention.add_branchretentionsettings",
        "retention.change_branchretentionsettings",
    ],
    Role.GENERAL_MANAGER: [
        *_VIEW_BUSINESS,
        *_VIEW_REVISITS,
        *_VIEW_JOBS,
        *_APPROVER_DESK,
        "transfers.view_overduesignoff",
        "transfers.view_laterequest",
        "transfers.add_appointment",
        "transfers.change_appointment",
        "accounts.change_customer",
        "accounts.view_branch",
        "accounts.change_branch",
        "transfers.view_feeschedule",
        "transfers.change_feeschedule",
        "branch_ops.view_calendaryear",
        "branch_ops.view_exchangeholiday",
        *_VIEW_RETENTION,
        "retention.add_playbook",
        "retention.add_serviceteam",
        "retention.change_serviceteam",
        "retention.add_branchretentionsettings",
        "retention.change_branchretentionsettings",
        # Art. 27: the permitted commission range per tier is the general manager's.
        "retention.add_commissionrange",
        "retention.change_commissionrange",
        # The customer master's imports (core_system/permissions.py: the GM applies them).
        "core_system.view_customerimport",
    ],
    Role.ARCHIVIST: ["accounts.view_customer", *_VIEW_ARCHIVES],
    Role.COMPANY_HEAD: [
        "accounts.view_customer",
        *_VIEW_ARCHIVES,
        # How long records are kept is the company head's rule (never under twenty years).
        "archives.change_retentionrule",
    ],
    Role.AUDITOR: [
        *_VIEW_BUSINESS,
        *_VIEW_REVISITS,
        *_VIEW_JOBS,
        *_VIEW_ARCHIVES,
        "accounts.view_branch",
        "accounts.view_staff",
        "transfers.view_feeschedule",
        "branch_ops.view_calendaryear",
        "branch_ops.view_exchangeholiday",
        "core_system.view_coreaccountstate",
        "core_system.view_customerimport",
        *_VIEW_RETENTION,
    ],
    Role.CALENDAR_KEEPER: [
        "branch_ops.view_calendaryear",
        "branch_ops.add_calendaryear",
        "branch_ops.change_calendaryear",
        "branch_ops.view_exchangeholiday",
        "branch_ops.add_exchangeholiday",
        "branch_ops.change_exchangeholiday",
        "branch_ops.delete_exchangeholiday",
    ],
    # The head office reads across the branches through its own pages (the console), not
    # through a branch's pages or admin: no model permission opens those to it.
    Role.HQ_MARKETING: [],
    Role.HQ_COMPLIANCE: [],
}


def placement_refusal(role_names: Iterable[str], *, has_branch: bool) -> str | None:
    """The one rule of where a person belongs, checked by the roles service, the model's
    clean and the admin (accounts/services.staff_set_roles, Staff.clean, StaffAdmin): a
    branch role means exactly one branch; head-office roles alone mean none; the two are
    never mixed. None when the placement holds, else why it does not."""
    roles = {str(r) for r in role_names}
    if roles & HEAD_OFFICE_ONLY_ROLES and roles & BRANCH_ROLES:
        return str(
            _(
                "A head-office role cannot be held with a branch role: the head office "
                "belongs to no branch."
            )
        )
    if roles & BRANCH_ROLES and not has_branch:
        return str(_("A person with a branch role belongs to exactly one branch: choose it."))
    if roles and not roles & BRANCH_ROLES and has_branch:
        return str(_("A head-office person belongs to no branch: leave the branch empty."))
    return None
