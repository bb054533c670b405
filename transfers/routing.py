"""A request's round of approvals as approval_rules sees it, read from the database, and the
words for a step nobody in the branch can approve (Art. 9, 10, 17). The rule itself is
approval_rules.step_for; the service, permissions.may_approve and the queue all ask it
through here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Staff
from kernel.calendar import beijing_today
from kernel.memo import forget, remembered

from . import approval_rules as rules
from .models import Approval, ApprovalStep, Substitution, TransferRequest

# What kernel.memo keeps of the branch's approvers and substitutions for one page.
APPROVERS = "transfers.approvers"
_APPROVER_ROLES = sorted({str(role) for role in rules.STEP_ROLE.values()})


class BranchApprovers(Collection[rules.Approver]):
    """The branch's active staff who hold an approver role, read in one query the first time
    the rule asks (most of its answers never do)."""

    def __init__(self, branch_id: int) -> None:
        self.branch_id = branch_id
        self._people: tuple[rules.Approver, ...] | None = None

    def _load(self) -> tuple[rules.Approver, ...]:
        if self._people is None:
            self._people = remembered(
                (APPROVERS, "people", self.branch_id, beijing_today()), self._read
            )
        return self._people

    def _read(self) -> tuple[rules.Approver, ...]:
        roles: dict[int, set[str]] = defaultdict(set)
        memberships = Staff.groups.through.objects.filter(
            staff__branch_id=self.branch_id,
            staff__is_active=True,
            group__name__in=_APPROVER_ROLES,
        ).values_list("staff_id", "group__name")
        for staff_id, role in memberships:
            roles[staff_id].add(role)
        covers = covers_today(branch_id=self.branch_id)
        return tuple(
            rules.Approver(pk=pk, roles=frozenset(held), covers=covers.get(pk, frozenset()))
            for pk, held in sorted(roles.items())
        )

    def __iter__(self) -> Iterator[rules.Approver]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __contains__(self, item: object) -> bool:
        return item in self._load()


def covers_today(*, branch_id: int) -> dict[int, frozenset[tuple[str, int]]]:
    """The steps each substitute takes today (a Beijing date, the range inclusive) and for
    whom, from the substitutions in force; read once per page (kernel.memo)."""
    today = beijing_today()

    def read() -> dict[int, frozenset[tuple[str, int]]]:
        found = Substitution.objects.in_force_on(today).filter(branch_id=branch_id)
        covers: dict[int, set[tuple[str, int]]] = defaultdict(set)
        for substitute, absent, steps in found.values_list("substitute_id", "absent_id", "steps"):
            covers[substitute].update((step, absent) for step in steps)
        return {pk: frozenset(held) for pk, held in covers.items()}

    return remembered((APPROVERS, "covers", branch_id, today), read)


def approvers_changed() -> None:
    """A substitution named or cancelled: the rest of the page asks afresh."""
    forget(APPROVERS)


def approver_of(staff: Staff) -> rules.Approver:
    covers: frozenset[tuple[str, int]] = frozenset()
    if staff.branch_id is not None and staff.role_names & set(_APPROVER_ROLES):
        covers = covers_today(branch_id=staff.branch_id).get(staff.pk, frozenset())
    return rules.Approver(
        pk=staff.pk, roles=staff.role_names, active=staff.is_active, covers=covers
    )


def round_of(
    req: TransferRequest,
    *,
    current: Iterable[Approval] | None = None,
    staff: Collection[rules.Approver] | None = None,
) -> rules.Round:
    """The request's current round. `current`: its approvals already loaded (prefetched),
    else they are read now; `staff`: the branch's approvers when the caller has them."""
    signed: list[tuple[str, int, int | None]]
    if current is None:
        signed = list(
            Approval.objects.filter(request=req, round=req.approval_round).values_list(
                "step", "approver_id", "on_behalf_of_id"
            )
        )
    else:
        signed = [
            (a.step, a.approver_id, a.on_behalf_of_id)
            for a in current
            if a.round == req.approval_round
        ]
    return rules.Round(
        route=rules.route_for(req),
        done=frozenset(step for step, _who, _for in signed),
        receiver_id=req.created_by_id,
        # Someone a substitute approved for has approved in this round, through them.
        approved_by=frozenset(
            pk for _step, who, for_ in signed for pk in (who, for_) if pk is not None
        ),
        account_manager_id=req.customer.account_manager_id,
        staff=staff if staff is not None else BranchApprovers(req.branch_id),
    )


def acting_for(req: TransferRequest, staff: Staff, step: ApprovalStep) -> int | None:
    """Whom this person's approval of the step is given for: None when it is theirs by their
    own role, else the absent approver they substitute (approval_rules.acting_for)."""
    round_ = round_of(req)
    who = rules.usable_covers(round_, approver_of(staff))
    return rules.acting_for(step, who, account_manager_id=round_.account_manager_id)


def nobody_can_approve(round_: rules.Round, steps: Iterable[ApprovalStep]) -> str:
    """Why nobody in the branch can approve these steps, and what would let the request go on."""
    return " ".join(
        _("Nobody in the branch can approve the “{step}” step: {why}.").format(
            step=step.label, why=_why_nobody(round_, step)
        )
        for step in steps
    )


def _why_nobody(round_: rules.Round, step: ApprovalStep) -> Any:
    manager = round_.account_manager_id
    holders = [p for p in round_.staff if rules.can_fill(step, p, account_manager_id=manager)]
    free = [p for p in holders if p in rules.free_staff(round_)]
    if step == ApprovalStep.ACCOUNT_MANAGER:
        if manager is None:
            return _("the customer has no account manager; assign one")
        if not holders:
            return _(
                "the customer's account manager is not active or no longer holds that role; "
                "assign the customer another account manager"
            )
        if manager == round_.receiver_id:
            return _(
                "the customer's account manager received the request, and nobody approves "
                "what they received; assign the customer another account manager"
            )
        if manager in round_.approved_by:
            return _(
                "the customer's account manager has already approved another step in this "
                "round; assign the customer another account manager"
            )
        return _("the customer's account manager is needed for another step of this round")
    role = step.label
    if not holders:
        return _("the branch has no active “{role}”; give the role to someone").format(role=role)
    if not free:
        return _(
            "every active “{role}” of the branch received the request or has approved another "
            "step in this round; give the role to someone else"
        ).format(role=role)
    return _(
        "everyone holding the “{role}” role is needed for another step of this round; give "
        "the role to someone else"
    ).format(role=role)
