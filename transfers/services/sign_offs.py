"""Art. 17's written sign-off (补签) in one sitting: the approver back at the branch signs the
phone approvals recorded in their name that they confirm, each one separately in its
request's audit, through the one sign-off service (approvals.approval_sign_off)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Staff
from kernel.errors import ApplicationError, Conflict, InvalidInput, NotFound

from ..errors import TransferErrorCode
from ..models import Approval
from .approvals import approval_sign_off

# More than a director's trail of three days out by far; a batch stays one short transaction.
MAX_SITTING = 100


@transaction.atomic
def approvals_sign_off(
    *, approval_ids: Iterable[int], actor: Staff, client_ip: str | None = None
) -> list[Approval]:
    """Sign off every approval named, or none of them.

    All or nothing, rather than signing the rest: the approver ticked these together as one
    written statement of what they confirmed; if one of them changed under them (disputed,
    recalled or signed from another window) they should look at the list again before any
    of it stands, and a repeated call (the API's Idempotency-Key) has one outcome to give
    back. The refusal names the approval and its request, with the single service's reason.
    """
    if actor.branch_id is None:
        raise NotFound(_("Not found."))  # the head office holds no branch's approvals
    ids = sorted(set(approval_ids))
    if not ids:
        raise InvalidInput(_("Tick the phone approvals you sign off."))
    if len(ids) > MAX_SITTING:
        raise InvalidInput(
            _("Sign off at most {n} approvals at a time.").format(n=MAX_SITTING),
            details={"approvals": [_("At most {n}.").format(n=MAX_SITTING)]},
        )
    # With the withdrawn ones: an approval recalled since the list was shown is the branch's
    # record all the same, and the approver is told it was recalled, not that it is unknown.
    found = {
        a.pk: a
        for a in Approval.with_withdrawn.filter(
            pk__in=ids, request__branch_id=actor.branch_id
        ).select_related("request")
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        # Another branch's approval is not found, like any other record of another branch.
        raise NotFound(_("Not found."), details={"approvals": missing})
    recalled = [found[pk] for pk in ids if found[pk].withdrawn_at is not None]
    if recalled:
        # A recall is never undone, so what was read here stays true; one recalled after this
        # read is refused by approval_sign_off under its row lock, in its own words.
        first = recalled[0]
        raise Conflict(
            _(
                "Nothing was signed off: request #{request} ({step}): this approval was "
                "recalled on {when} and no longer counts. Reload the list and tick again."
            ).format(
                request=first.request_id,
                step=first.get_step_display(),
                when=timezone.localtime(first.withdrawn_at).strftime("%Y-%m-%d %H:%M"),
            ),
            code=TransferErrorCode.WITHDRAWN,
            details={"approval": first.pk, "request": first.request_id},
        )
    signed = []
    # In pk order, so that two sittings that overlap lock the rows in the same order.
    for pk in ids:
        approval = found[pk]
        try:
            signed.append(approval_sign_off(approval=approval, actor=actor, client_ip=client_ip))
        except ApplicationError as exc:
            raise type(exc)(
                _(
                    "Nothing was signed off: request #{request} ({step}): {reason} "
                    "Reload the list and tick again."
                ).format(
                    request=approval.request_id,
                    step=approval.get_step_display(),
                    reason=exc.message,
                ),
                code=exc.code,
                details={"approval": pk, "request": approval.request_id},
            ) from exc
    return signed
