"""The work memo (客户转销户工作备忘录, Art. 30)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Staff
from kernel.calendar import BEIJING, beijing_today
from kernel.errors import Forbidden, InvalidInput, require_same_branch
from notifications.services import notify
from transfers.models import LEFT_STATES, TransferRequest, TransferState

from .. import permissions
from ..models import MemoOutcome, WorkMemo
from ._common import clean_text


def _main_reasons(req: TransferRequest) -> str:
    # The memo is a Chinese paper of the branch: the reasons are written in Chinese.
    names = []
    if req.primary_reason is not None:
        names.append(req.primary_reason.name_zh)
    names += [r.name_zh for r in req.other_reasons.all() if r.pk != req.primary_reason_id]
    text = "；".join(names)
    if req.reason_note:
        text = f"{text}。{req.reason_note}" if text else req.reason_note
    return text or "—"


def _snapshot(memo: WorkMemo, req: TransferRequest) -> None:
    customer = req.customer
    memo.primary_reason_id = req.primary_reason_id
    # Institutions are counted apart in the analysis, though approved like core customers.
    memo.tier = "institution" if customer.is_institution else customer.tier.value
    memo.assets = customer.assets
    memo.account_manager_id = customer.account_manager_id
    memo.receiving_broker = req.sz_receiving_broker


def memo_record_outcome(*, request: TransferRequest, actor: Staff) -> WorkMemo | None:
    """Art. 30: the reaction retention registers to a request's outcome (transfers.hooks),
    run in the transfer service's transaction right after a request is completed, deferred
    or withdrawn. A customer who left and one who deferred get the
    memo (one per request, however often it is deferred); a deferred customer who then
    stays has it marked so. Anything else leaves no memo."""
    req = request
    # A closure still waiting does not keep the customer from having left (Art. 19, 30).
    if req.state not in (*LEFT_STATES, TransferState.DEFERRED, TransferState.WITHDRAWN):
        return None
    memo = WorkMemo.objects.select_for_update(of=("self",)).filter(request=req).first()
    if req.state == TransferState.WITHDRAWN:
        if memo is None:
            return None  # stayed at the counter: nothing for Art. 30 to follow up
        memo.outcome = MemoOutcome.STAYED
        memo.save(update_fields=["outcome", "updated_at"])
        return memo

    created = memo is None
    if memo is None:
        memo = WorkMemo(
            request=req,
            branch_id=req.branch_id,
            customer_id=req.customer_id,
            main_reasons=_main_reasons(req),
            contact_phone=req.customer.phone,
        )
    _snapshot(memo, req)
    if req.state == TransferState.DEFERRED:
        memo.outcome = MemoOutcome.DEFERRED
        memo.deferred_on = beijing_today()
        memo.follow_up_on = req.follow_up_on
    else:
        memo.outcome = MemoOutcome.LEFT
        completed = req.completed_at or req.ended_at
        memo.left_on = completed.astimezone(BEIJING).date() if completed else beijing_today()
    memo.save()

    manager = req.customer.account_manager
    if created and manager is not None and manager.is_active:
        notify(
            recipients=[manager],
            subject=_("Work memo to complete: {customer} ({outcome})").format(
                customer=req.customer, outcome=memo.get_outcome_display()
            ),
            body=_("Art. 30: note the main reasons, the contact phone and the follow-up."),
            link=reverse("retention_memo", args=[memo.pk]),
        )
    return memo


@transaction.atomic
def memo_update(
    *,
    memo: WorkMemo,
    actor: Staff,
    main_reasons: str,
    contact_phone: str,
    follow_up_on: dt.date | None,
    follow_up_notes: str,
) -> WorkMemo:
    require_same_branch(memo.branch_id, actor)
    locked = (
        WorkMemo.objects.select_for_update(of=("self",)).select_related("customer").get(pk=memo.pk)
    )
    if not permissions.may_edit_memo(actor, locked):
        raise Forbidden(
            _("Only the customer's account manager or the branch's managers edit this memo."),
        )
    changed = follow_up_on is not None and follow_up_on != locked.follow_up_on
    if changed and follow_up_on < beijing_today():  # type: ignore[operator]
        raise InvalidInput(_("The next follow-up cannot be in the past."))
    locked.main_reasons = clean_text(main_reasons, field=_("Main reasons"), max_length=2000)
    locked.contact_phone = clean_text(
        contact_phone, field=_("Contact phone"), max_length=30, required=False
    )
    locked.follow_up_on = follow_up_on
    locked.follow_up_notes = clean_text(
        follow_up_notes, field=_("Follow-up"), max_length=5000, required=False
    )
    locked.updated_by = actor
    locked.save(
        update_fields=[
            "main_reasons",
            "contact_phone",
            "follow_up_on",
            "follow_up_notes",
            "updated_by",
            "updated_at",
        ]
    )
    return locked
