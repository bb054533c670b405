"""Who is told what while a customer waits for approval (Art. 9, 10, 16, 17): the people who
can fill a step as it opens, the clerk who received the request once it is cleared or
blocked, and the marketing director when a customer has waited at the counter too long.

In the in-app inbox and, for those with an address, by mail once the transaction commits
(a rolled-back approval tells nobody). The approval services call these at the points
where a step opens or the request settles; nothing here changes the request (a notice kept
in its trail is added to it)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch, Staff
from accounts.norm.resolve import rule_set
from accounts.roles import Role
from accounts.selectors import staff_with_roles
from jobs.registry import notify_once
from kernel.calendar import BEIJING
from notifications.services import notify

from .. import approval_rules as rules
from .. import permissions
from ..models import (
    Approval,
    ApprovalDispute,
    ApprovalStep,
    Substitution,
    TransferRequest,
    TransferState,
)
from ..selectors_waiting import awaiting_since_of, waiting_for
from ._workflow import audit

logger = logging.getLogger(__name__)

CUSTOMER_WAITING = "transfers.customer_waiting"


def _send(subject: str, body: str, address: str) -> None:
    try:
        send_mail(subject, body, None, [address])
    except Exception:
        # The in-app notice is already there; a mail server hiccup must not undo it.
        logger.exception("could not e-mail %s", address)


def _tell(recipients: list[Staff], *, subject: str, body: str, link: str) -> int:
    notify(recipients=recipients, subject=subject, body=body, link=link)
    for recipient in recipients:
        if recipient.email:
            text = f"{body}\n\n{link}".strip()
            transaction.on_commit(partial(_send, subject, text, recipient.email))
    return len(recipients)


def _newly_open(req: TransferRequest, approved_step: str | None) -> list[ApprovalStep]:
    route = rules.route_for(req)
    done = set(req.approvals.filter(round=req.approval_round).values_list("step", flat=True))
    now_open = rules.open_steps(route, done)
    if approved_step is None:
        return now_open
    before = set(rules.open_steps(route, done - {approved_step}))
    return [step for step in now_open if step not in before]


def approvers_notify(
    *, request: TransferRequest, actor: Staff, approved_step: str | None = None
) -> int:
    """A step has opened: the request has just come to its approvers (approved_step None),
    or an approval of `approved_step` opened a later one. Everyone of the branch who may
    approve it now and holds a step that just opened is told, once; not the person acting,
    and never the clerk who received it (permissions.may_approve)."""
    req = request
    if req.state != TransferState.AWAITING_APPROVAL:
        return 0
    opened = _newly_open(req, approved_step)
    if not opened:
        return 0
    candidates = staff_with_roles(req.branch_id, *(rules.STEP_ROLE[step] for step in opened))
    told = [
        staff
        for staff in candidates.exclude(pk__in=[actor.pk, req.created_by_id])
        if any(rules.may_fill(step, staff=staff, request=req) for step in opened)
        and permissions.may_approve(staff, req)
    ]
    if not told:
        return 0
    steps = "、".join(str(step.label) for step in opened)
    return _tell(
        told,
        subject=_("Request #{pk} waits for your approval ({steps})").format(pk=req.pk, steps=steps),
        body=_("{customer} asks for {items}; received by {clerk}.").format(
            customer=req.customer.masked_name,
            items="、".join(req.items_display),
            clerk=req.created_by,
        ),
        link=reverse("request_detail", args=[req.pk]),
    )


def receiver_notify(*, request: TransferRequest, actor: Staff, was: str) -> bool:
    """Approval is complete: the clerk who received the request hears that it is cleared to
    process, or that a blocking condition holds (Art. 16) and which. Told only when the
    state has just changed, and not when they did it themselves (they see it on the page)."""
    req = request
    if req.state == was or req.created_by_id == actor.pk:
        return False
    receiver = Staff.objects.filter(pk=req.created_by_id, is_active=True).first()
    if receiver is None:
        return False
    link = reverse("request_detail", args=[req.pk])
    if req.state == TransferState.APPROVED:
        _tell(
            [receiver],
            subject=_("Request #{pk} is approved: process it now").format(pk=req.pk),
            body=_("Every approval is in and nothing blocks it (Art. 16): {customer}.").format(
                customer=req.customer.masked_name
            ),
            link=link,
        )
        return True
    if req.state == TransferState.BLOCKED:
        _tell(
            [receiver],
            subject=_("Request #{pk} is blocked (Art. 16)").format(pk=req.pk),
            body="；".join(c["message"] for c in req.blocking_conditions),
            link=link,
        )
        return True
    return False


def customer_waiting_alert(*, branch: Branch, now: dt.datetime) -> Counter[str]:
    """Art. 9, 10: a customer who came today and has waited at the counter for the approvals
    longer than the branch's rules allow (counter.wait_alert_minutes) is brought to the
    marketing director, once per request and day however often the check runs."""
    counts: Counter[str] = Counter()
    today = now.astimezone(BEIJING).date()
    limit = dt.timedelta(minutes=rule_set(branch.pk, today)["counter.wait_alert_minutes"])
    awaiting = list(
        TransferRequest.objects.filter(branch=branch, state=TransferState.AWAITING_APPROVAL)
        .select_related("customer", "customer__branch", "customer__account_manager", "branch")
        .prefetch_related("approvals")
        .order_by("pk")
    )
    if not awaiting:
        return counts
    since_of = awaiting_since_of(awaiting)
    directors = list(staff_with_roles(branch, Role.MARKETING_DIRECTOR))
    for req in awaiting:
        since = since_of[req.pk]
        if since.astimezone(BEIJING).date() != today:
            continue  # came on an earlier day: not standing at the counter now
        counts["awaiting"] += 1
        if now - since < limit:
            continue
        counts["waiting_too_long"] += 1
        steps = "、".join(w.label for w in waiting_for(req, since=since))
        counts["told"] += notify_once(
            kind=CUSTOMER_WAITING,
            ref=f"request:{req.pk}",
            recipients=directors,
            business_date=today,
            subject=_(
                "A customer has waited {minutes} minutes for approvals: request #{pk}"
            ).format(minutes=int((now - since).total_seconds() // 60), pk=req.pk),
            body=_("{customer} is waiting for {steps} since {time}.").format(
                customer=req.customer.masked_name,
                steps=steps,
                time=timezone.localtime(since).strftime("%H:%M"),
            ),
            link=reverse("request_detail", args=[req.pk]),
            email=True,
        )
    return counts


def password_lock_notify(
    *, request: TransferRequest, actor: Staff, tries: int, client_ip: str | None
) -> int:
    """Each lock after wrong passwords is told to the branch's marketing director, who alone
    may unlock it, and to the customer, whose password someone may be guessing (conduct quiz
    Q2, Q3). The branch has no channel to the customer's phone yet, so the notice to give the
    customer is kept in the request's trail, where the counter reads it out and the
    auditor finds it."""
    req = request
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    audit(
        req,
        actor=actor,
        action="customer_told_locked",
        from_state=req.state,
        comment=_(
            "To the customer: your request #{pk} at {branch} was locked at {time} after {n} "
            "wrong trading passwords. If that was not you, call the branch or come to the "
            "counter with your identity document."
        ).format(pk=req.pk, branch=req.branch.name, time=when, n=tries),
        client_ip=client_ip,
    )
    directors = list(staff_with_roles(req.branch_id, Role.MARKETING_DIRECTOR))
    if not directors:
        return 0
    return _tell(
        directors,
        subject=_("Request #{pk} locked after {n} wrong passwords").format(pk=req.pk, n=tries),
        body=_(
            "{customer}: locked at {time} at {clerk}'s keypad. Only you may unlock it, with a "
            "comment on how the customer's identity was checked, and not if you typed the "
            "passwords yourself."
        ).format(customer=req.customer.masked_name, time=when, clerk=actor),
        link=reverse("request_detail", args=[req.pk]),
    )


def approval_link(approval: Approval) -> str:
    """The request page, at the phone approval, where its approver signs it off or disputes it."""
    return reverse("request_detail", args=[approval.request_id]) + f"#approval-{approval.pk}"


def phone_approval_notify(*, approval: Approval) -> int:
    """Art. 17: a phone approval is told at once to the person it was recorded in the name
    of, so one they never gave is disputed now, not found at the next day's sign-off."""
    req = approval.request
    approver = Staff.objects.filter(pk=approval.approver_id, is_active=True).first()
    if approver is None:
        return 0
    return _tell(
        [approver],
        subject=_("A phone approval was recorded in your name: request #{pk}").format(pk=req.pk),
        body=_(
            "{clerk} recorded at {time} that you approved the {step} step by phone for "
            "{customer}. If you did not, dispute it from the request page; otherwise sign it "
            "off in writing by {due} (Art. 17)."
        ).format(
            clerk=approval.recorded_by,
            time=timezone.localtime(approval.approved_at).strftime("%Y-%m-%d %H:%M"),
            step=approval.get_step_display(),
            customer=req.customer.masked_name,
            due=approval.sign_off_due_on.isoformat() if approval.sign_off_due_on else "",
        ),
        link=approval_link(approval),
    )


def dispute_notify(*, dispute: ApprovalDispute, actor: Staff, reopened: bool) -> int:
    """A disputed phone approval goes to the branch's directors (marketing director and
    general manager, who watch the sign-offs, Art. 17) and to the clerk who recorded it and
    the one who received the request; not to the person disputing."""
    approval = dispute.approval
    req = approval.request
    ids = {approval.recorded_by_id, req.created_by_id}
    directors = staff_with_roles(req.branch_id, *permissions.SUPERVISOR_ROLES).values("pk")
    told = list(
        Staff.objects.filter(Q(pk__in=ids) | Q(pk__in=directors), is_active=True)
        .exclude(pk=actor.pk)
        .order_by("pk")
    )
    if not told:
        return 0
    if reopened:
        what = _("The approval round is taken again before the request goes on.")
    else:
        what = _(
            "The request no longer waits on it (it is “{state}”): look into how it was recorded."
        ).format(state=req.get_state_display())
    return _tell(
        told,
        subject=_("Phone approval disputed: request #{pk}").format(pk=req.pk),
        body=_(
            "{approver} says they did not approve the {step} step by phone that {clerk} "
            "recorded: {reason} {what}"
        ).format(
            approver=actor,
            step=approval.get_step_display(),
            clerk=approval.recorded_by,
            reason=dispute.reason,
            what=what,
        ),
        link=approval_link(approval),
    )


def substitution_notify(*, substitution: Substitution, actor: Staff) -> int:
    """A substitution named or cancelled is told to the two people it binds, but not to
    whoever did it: the substitute learns which steps they take for whom and when, the absent
    approver learns it when the general manager named or cancelled it for them."""
    told = list(
        Staff.objects.filter(
            pk__in={substitution.absent_id, substitution.substitute_id}, is_active=True
        )
        .exclude(pk=actor.pk)
        .order_by("pk")
    )
    if not told:
        return 0
    what = {
        "absent": substitution.absent,
        "substitute": substitution.substitute,
        "steps": "、".join(substitution.step_labels),
        "first": substitution.starts_on.isoformat(),
        "last": substitution.ends_on.isoformat(),
        "actor": actor,
    }
    if substitution.cancelled_at is None:
        subject = _("{substitute} substitutes for {absent} from {first} to {last}").format(**what)
        body = _(
            "{actor} named {substitute} to take {absent}'s approval steps ({steps}) from "
            "{first} to {last}; each approval given meanwhile is recorded for {absent}."
        ).format(**what)
    else:
        subject = _("Substitution cancelled: {substitute} for {absent}").format(**what)
        body = _(
            "{actor} cancelled the substitution: from now on {substitute} takes no step for "
            "{absent}; what was approved meanwhile stays approved."
        ).format(**what)
    return _tell(told, subject=subject, body=body, link=reverse("approval_substitutes"))
