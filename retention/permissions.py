"""Who may do what in retention: the one vocabulary the services, the pages, the admin and the
API use. A predicate answers for one person (and one object) now; the services still refuse,
with the reason, whatever slips past a page.

The workflow objects' own tables — commitments, commission agreements, contact tasks — are
their FSMs (retention/models): their `permission=` are the predicates below, and
`available_actions` reads the table instead of restating it."""

from __future__ import annotations

from typing import Any

from accounts.models import Staff
from accounts.roles import BRANCH_READERS, COUNTER_ROLES, Role
from kernel import workflow

# Who talks with customers about staying (Art. 8–10): the counter, the account manager, the
# marketing director and the general manager. The auditor reads only.
RETENTION_ROLES = (
    Role.COUNTER_CLERK,
    Role.COUNTER_LEAD,
    Role.ACCOUNT_MANAGER,
    Role.MARKETING_DIRECTOR,
    Role.GENERAL_MANAGER,
)
MANAGERS = (Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER)
# Art. 27 names the counter and the account manager as the people who reach agreement.
AGREEING_ROLES = (*COUNTER_ROLES, Role.ACCOUNT_MANAGER)


def reads_retention(actor: Staff) -> bool:
    """The archivist and company head work on the archives, not on retention."""
    return actor.has_role(*BRANCH_READERS)


def talks_with_customers(actor: Staff) -> bool:
    """Records complaints, attempts and promises (Art. 8–10, 29)."""
    return actor.has_role(*RETENTION_ROLES)


def resolves_complaint(actor: Staff, complaint: Any) -> bool:
    return talks_with_customers(actor)


def manages_retention(actor: Staff) -> bool:
    """The marketing director and the general manager: they see what is overdue, correct
    memos, publish the branch's playbooks (Art. 35) and keep the month's report."""
    return actor.has_role(*MANAGERS)


def may_own_commitment(staff: Staff) -> bool:
    return staff.is_active and talks_with_customers(staff)


def may_close_commitment(actor: Staff, commitment: Any) -> bool:
    """A promise is kept or cancelled by its owner, or by the branch's managers."""
    return actor.pk == commitment.owner_id or manages_retention(actor)


def may_agree_commission(actor: Staff) -> bool:
    return actor.has_role(*AGREEING_ROLES)


def decides_commission(actor: Staff) -> bool:
    """Art. 27: below the floor, the marketing director decides."""
    return actor.has_role(Role.MARKETING_DIRECTOR)


def may_decide_commission(actor: Staff, agreement: Any) -> bool:
    """The marketing director, and not the one who proposed the rate (four eyes)."""
    return decides_commission(actor) and actor.pk != agreement.agreed_by_id


def may_reassign_customers(actor: Staff) -> bool:
    """Art. 28: a departure's customers are given away by the branch's managers."""
    return manages_retention(actor)


def may_take_over_customers(staff: Staff) -> bool:
    """The approval route needs the customer's own account manager (Art. 9)."""
    return staff.is_active and staff.has_role(Role.ACCOUNT_MANAGER)


def may_complete_contact_task(actor: Staff, task: Any) -> bool:
    """Whoever the task is assigned to, their team, or the branch's managers (Art. 28)."""
    if actor.pk == task.assigned_to_id or manages_retention(actor):
        return True
    return task.team_id is not None and task.team.members.filter(pk=actor.pk).exists()


def may_edit_memo(actor: Staff, memo: Any) -> bool:
    """The account manager writes the memo (theirs now or at the time, Art. 30); the marketing
    director and general manager may correct it."""
    if actor.branch_id != memo.branch_id:
        return False
    if manages_retention(actor):
        return True
    return actor.pk in (memo.account_manager_id, memo.customer.account_manager_id)


def may_edit_branch_playbooks(actor: Staff) -> bool:
    return manages_retention(actor)


def may_prepare_report(actor: Staff) -> bool:
    return manages_retention(actor)


def sees_overdue_commitments(actor: Staff) -> bool:
    return manages_retention(actor)


def commitment_actions(commitment: Any, actor: Staff) -> dict[str, bool]:
    """What this person may do with this promise now: the pages' `can`, the API's
    `available_actions`."""
    return {
        "keep": workflow.may_take(commitment, "keep", actor),
        "cancel": workflow.may_take(commitment, "cancel", actor),
    }


def commission_actions(agreement: Any, actor: Staff) -> dict[str, bool]:
    return {
        "approve": workflow.may_take(agreement, "approve", actor),
        "refuse": workflow.may_take(agreement, "refuse", actor),
    }


def contact_task_actions(task: Any, actor: Staff) -> dict[str, bool]:
    return {"complete": workflow.may_take(task, "complete", actor)}


def action_names(actions: dict[str, bool]) -> list[str]:
    return sorted(name for name, allowed in actions.items() if allowed)
