"""Who may do what with revisits (Art. 31–34): the one vocabulary the services, the pages
and the API use. A predicate answers for one person (and one task) now; the services still
refuse, with the reason, whatever slips past a page (a stale form, a raced click).

A task's own table — which transition from which state, by whom — is its FSM
(revisits/models.py): its `permission=` are the predicates below, and `may_record`,
`may_reassign` and `available_actions` read the table instead of restating it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Staff
from accounts.roles import BRANCH_READERS, Role
from kernel import workflow

if TYPE_CHECKING:
    from .models import RevisitTask

# Art. 31 is the marketing side's work: these two answer for every revisit of the branch.
SUPERVISOR_ROLES = (Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER)
# Who sees what is late and how the rules are set: the supervisors, and the auditor reading.
OVERSEER_ROLES = (*SUPERVISOR_ROLES, Role.AUDITOR)
# Who may own a revisit: the account managers who serve customers, and the directors.
OWNER_ROLES = (Role.ACCOUNT_MANAGER, *SUPERVISOR_ROLES)
# Art. 33: who invites customers who left to an event, and marks who came.
INVITER_ROLES = (*SUPERVISOR_ROLES, Role.ACCOUNT_MANAGER)


def reads_revisits(actor: Staff) -> bool:
    """The archivist and company head work on the archives, not on customers who left."""
    return actor.has_role(*BRANCH_READERS)


def supervises(actor: Staff) -> bool:
    """The marketing director and general manager answer for every revisit of the branch."""
    return actor.has_role(*SUPERVISOR_ROLES)


def oversees(actor: Staff) -> bool:
    """Sees the branch's late revisits and its rules (the auditor reads them too)."""
    return actor.has_role(*OVERSEER_ROLES)


def may_own(staff: Staff) -> bool:
    return staff.is_active and staff.has_role(*OWNER_ROLES)


def answers_for(actor: Staff, task: RevisitTask) -> bool:
    """The task's owner, or a supervisor of its branch: who records it (Art. 31)."""
    return actor.branch_id == task.branch_id and (task.owner_id == actor.pk or supervises(actor))


def assigns(actor: Staff, task: RevisitTask) -> bool:
    """A supervisor of the task's branch gives it to someone else (the owner is away, or
    left: Art. 28)."""
    return actor.branch_id == task.branch_id and supervises(actor)


def may_record(actor: Staff, task: RevisitTask) -> bool:
    """The task is open and this person answers for it."""
    return workflow.may_take(task, "record", actor)


def may_reassign(actor: Staff, task: RevisitTask) -> bool:
    return workflow.may_take(task, "reassign", actor)


def may_edit_rules(actor: Staff) -> bool:
    """Art. 35: a branch tightens the rules; its supervisors decide how."""
    return supervises(actor)


def may_organise_events(actor: Staff) -> bool:
    """Art. 33: the on-site events are the supervisors' to organise."""
    return supervises(actor)


def may_invite(actor: Staff) -> bool:
    return actor.has_role(*INVITER_ROLES)


def available_actions(task: RevisitTask, actor: Staff) -> dict[str, bool]:
    """What this person may do with this task now, by action name: the task page's `can`,
    and the API's `available_actions`."""
    return {
        "record": may_record(actor, task),
        "reassign": may_reassign(actor, task),
    }


def action_names(task: RevisitTask, actor: Staff) -> list[str]:
    return sorted(name for name, allowed in available_actions(task, actor).items() if allowed)
