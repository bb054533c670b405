"""Who may do what with a transfer request: the one vocabulary the services, the pages, the
admin and the API use. A predicate answers for one person and one request now; the services
still refuse, with the reason, whatever slips past a page (a stale form, a raced click).

The workflow's own table — which transition from which state, by which role — is the
request's FSM (transfers/models/requests.py): `may_take` reads it instead of restating it."""

from __future__ import annotations

from typing import Any

from accounts.models import Staff
from accounts.roles import BRANCH_READERS, COUNTER_ROLES, Role
from kernel import workflow

from . import approval_rules as rules
from . import routing
from .models import LEFT_STATES, Approval, ApprovalMode, TransferRequest, TransferState
from .models.requests import MAX_PASSWORD_UNLOCKS, password_unlocks, prefetched_trail

S = TransferState

# Everyone who can hold a step of some approval route (Art. 9, 10, 17), read off the routes.
APPROVER_ROLES: tuple[Role, ...] = tuple(
    dict.fromkeys(rules.STEP_ROLE[step] for route in rules.ROUTES.values() for step in route)
)
# Who sees the overdue written sign-offs (Art. 17) and late requests of the branch.
SUPERVISOR_ROLES = (Role.MARKETING_DIRECTOR, Role.GENERAL_MANAGER)


def works_counter(actor: Staff) -> bool:
    """Receives customers and carries requests through processing (Art. 4, 8, 11)."""
    return actor.has_role(*COUNTER_ROLES)


def works_counter_of(actor: Staff, request: TransferRequest) -> bool:
    """The counter of the request's own branch: who takes its counter transitions."""
    return actor.branch_id == request.branch_id and works_counter(actor)


def unlocks_password_of(actor: Staff, request: TransferRequest) -> bool:
    """The role that may lift the password limit of a request of its own branch: the
    marketing director, a second person above the counter lead, who is a counter role and
    may have typed the passwords themselves (conduct quiz Q2, Q3)."""
    return actor.branch_id == request.branch_id and actor.has_role(Role.MARKETING_DIRECTOR)


def typed_wrong_passwords(actor: Staff, request: TransferRequest) -> bool:
    """This person was at the keypad for a wrong try on this request: they never lift the
    lock their own tries caused."""
    typed = ("password_wrong", "lock_password")
    trail = prefetched_trail(request)
    if trail is not None:
        return any(e.actor_id == actor.pk and e.action in typed for e in trail)
    return request.audit_entries.filter(actor_id=actor.pk, action__in=typed).exists()


def may_unlock_password(actor: Staff, request: TransferRequest) -> bool:
    """The director of the branch, not at the keypad for a wrong try, while unlocks are left
    (the transition's condition, MAX_PASSWORD_UNLOCKS)."""
    return (
        may_take(actor, request, "unlock_password")
        and not workflow.unmet_conditions(request, "unlock_password")
        and not typed_wrong_passwords(actor, request)
    )


def sees_locked_requests(actor: Staff) -> bool:
    """The counter, and the director who decides on unlocking them."""
    return works_counter(actor) or actor.has_role(Role.MARKETING_DIRECTOR)


def approves_in(actor: Staff, request: TransferRequest) -> bool:
    """Holds an approval role in the request's own branch (sends it back, Art. 9, 10)."""
    return actor.branch_id == request.branch_id and is_approver(actor)


def reads_requests(actor: Staff) -> bool:
    """Sees the branch's requests (the archivist and company head work on the archives)."""
    return actor.has_role(*BRANCH_READERS)


def is_approver(actor: Staff) -> bool:
    return actor.has_role(*APPROVER_ROLES)


def sees_overdue_sign_offs(actor: Staff) -> bool:
    return actor.has_role(*SUPERVISOR_ROLES)


def signs_off_in_one_sitting(actor: Staff) -> bool:
    """Art. 17: a phone approval is only ever recorded in an approver's name, and only that
    approver signs it off (the sign-off service refuses anyone else's)."""
    return actor.branch_id is not None and is_approver(actor)


def sees_late_requests(actor: Staff) -> bool:
    """Requests past the customer's two trading days go to the general manager."""
    return actor.has_role(Role.GENERAL_MANAGER)


def sees_blocked_requests(actor: Staff) -> bool:
    """Art. 16: what holds a blocked request is for management to chase, with the late ones
    (the marketing director's and general manager's home)."""
    return actor.has_role(*SUPERVISOR_ROLES)


def sees_closure_candidates(actor: Staff) -> bool:
    """Art. 19: the accounts ready to close are the counter's to work, and management's to see."""
    return actor.has_role(*COUNTER_ROLES, *SUPERVISOR_ROLES, Role.AUDITOR)


def may_book_appointment(actor: Staff) -> bool:
    """The customer calls the director or general manager, or the counter takes the booking
    (Art. 10: a core customer sees one of them before leaving)."""
    return works_counter(actor) or hosts_appointments(actor)


def hosts_appointments(actor: Staff) -> bool:
    return actor.has_role(*SUPERVISOR_ROLES)


def may_start_request(actor: Staff) -> bool:
    return works_counter(actor)


def may_take(actor: Staff, request: TransferRequest, transition: str) -> bool:
    """Whether the transition table lets this person take `transition` from the current
    state. Conditions (documents ticked, password given) are left to the service, which
    says what is missing."""
    return workflow.may_take(request, transition, actor)


def may_approve(actor: Staff, request: TransferRequest) -> bool:
    """The request waits for this person's approval now: awaiting approval, and
    approval_rules.step_for gives them a step — not its receiver, not approved by them in this
    round, an open step of its route they hold, and one that leaves the rest of the round to
    others who can fill it (the queue's rule, for one request)."""
    if request.state != S.AWAITING_APPROVAL or request.branch_id != actor.branch_id:
        return False
    round_ = routing.round_of(request, current=request.approvals.all())
    return rules.may_take_a_step(round_, routing.approver_of(actor))


def own_standing_approval(actor: Staff, request: TransferRequest) -> Approval | None:
    """This person's approval of the request's current round that still counts (the
    prefetched approvals when the page has them)."""
    for approval in request.approvals.all():
        if (
            approval.round == request.approval_round
            and approval.approver_id == actor.pk
            and not approval.is_disputed
        ):
            return approval
    return None


def may_recall_approval(actor: Staff, request: TransferRequest) -> bool:
    """An approver of the request's own branch who approved this round takes it back: the
    transition's permission (its table allows it only until processing starts)."""
    return (
        request.branch_id == actor.branch_id and own_standing_approval(actor, request) is not None
    )


def may_record_phone_approval(actor: Staff, request: TransferRequest) -> bool:
    """Art. 17: an approver who is out approves by phone; the counter records it."""
    return request.state == S.AWAITING_APPROVAL and works_counter(actor)


def may_dispute_approval(actor: Staff, approval: Approval) -> bool:
    """Art. 17: the person a phone approval was recorded in the name of, until they sign it
    off in writing, says they never gave it."""
    return (
        approval.approver_id == actor.pk
        and approval.mode == ApprovalMode.PHONE
        and approval.signed_off_at is None
        and not approval.is_disputed
    )


def may_recheck(actor: Staff, request: TransferRequest) -> bool:
    return request.state == S.BLOCKED and works_counter(actor)


def may_confirm_password(actor: Staff, request: TransferRequest) -> bool:
    """The customer types their own password at the counter (conduct quiz Q2, Q3)."""
    return (
        request.state == S.PROCESSING
        and request.password_confirmed_at is None
        and works_counter(actor)
    )


def may_record_reason(actor: Staff, request: TransferRequest) -> bool:
    """Art. 8: the reason is recorded after the documents, and may be corrected during the
    retention talk."""
    return may_take(actor, request, "record_reason") or (
        request.state == S.RETENTION and works_counter(actor)
    )


def may_see_scans(actor: Staff, request: TransferRequest) -> bool:
    return works_counter(actor)


def may_print_receipt(actor: Staff, request: TransferRequest) -> bool:
    """Art. 12: the receipt of a request whose transfer part is done (a closure that waits
    adds nothing to pay), printed (and reprinted, each print logged) by whoever reads the
    branch's requests."""
    return request.state in LEFT_STATES and reads_requests(actor)


def available_actions(request: TransferRequest, actor: Staff) -> dict[str, bool]:
    """What this person may do with this request now, by action name: the request page's
    `can`, and the API's `available_actions`."""
    return {
        "documents": may_take(actor, request, "verify_documents"),
        "refuse": may_take(actor, request, "refuse"),
        "reason": may_record_reason(actor, request),
        "go_on": may_take(actor, request, "go_on"),
        "stays": may_take(actor, request, "customer_stays"),
        "defer": may_take(actor, request, "defer"),
        "resume": may_take(actor, request, "resume"),
        "approve": may_approve(actor, request),
        "phone_approval": may_record_phone_approval(actor, request),
        "send_back": may_take(actor, request, "send_back"),
        "recall": may_take(actor, request, "recall_approval"),
        "recheck": may_recheck(actor, request),
        "start": may_take(actor, request, "start_processing"),
        "password": may_confirm_password(actor, request),
        "unlock": may_unlock_password(actor, request),
        "complete": may_take(actor, request, "complete"),
        "close_account": may_take(actor, request, "close_account"),
        "print_receipt": may_print_receipt(actor, request),
        "scans": may_see_scans(actor, request),
    }


def action_names(request: TransferRequest, actor: Staff) -> list[str]:
    return sorted(name for name, allowed in available_actions(request, actor).items() if allowed)


def panels(request: TransferRequest) -> dict[str, Any]:
    """Which parts of the request page apply in its current state (templates never compare
    state names)."""
    state = request.state
    ended = state in (S.COMPLETED, S.REFUSED, S.WITHDRAWN)
    return {
        "in_retention": state == S.RETENTION,
        "playbook": state in (S.DOCUMENTS_VERIFIED, S.RETENTION),
        "locked": state == S.PASSWORD_LOCKED,
        "unlocks_used_up": state == S.PASSWORD_LOCKED
        and password_unlocks(request) >= MAX_PASSWORD_UNLOCKS,
        "completed": state in (S.COMPLETED, S.CLOSURE_PENDING),
        "awaiting_closure": state == S.CLOSURE_PENDING,
        "refused": state == S.REFUSED,
        "withdrawn": state == S.WITHDRAWN,
        "deferred": state == S.DEFERRED,
        "closure_pending": request.wants_closure and not ended,
    }


# --- Substitutes for a period (transfers/models/substitutes.py) -----------------------------


def sees_substitutes(actor: Staff) -> bool:
    """The branch's approvers see the substitutions named in their branch."""
    return actor.branch_id is not None and is_approver(actor)


def may_name_substitute(actor: Staff, absent: Staff) -> bool:
    """An approver names their own substitute; the general manager may name one for any
    approver of the branch."""
    if actor.branch_id is None or absent.branch_id != actor.branch_id or not is_approver(absent):
        return False
    return actor.pk == absent.pk or actor.has_role(Role.GENERAL_MANAGER)


def may_cancel_substitution(actor: Staff, substitution: Any) -> bool:
    """Who named it, who it stands in for, or the general manager, while it is not cancelled."""
    if substitution.cancelled_at is not None or substitution.branch_id != actor.branch_id:
        return False
    return actor.pk in (substitution.named_by_id, substitution.absent_id) or actor.has_role(
        Role.GENERAL_MANAGER
    )
