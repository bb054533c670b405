"""Writes to branches, staff and customers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.errors import Forbidden, InvalidInput, NotFound, require_same_branch

from . import permissions
from .models import (
    AccessChannel,
    AccessPurpose,
    Branch,
    Customer,
    CustomerAccessLog,
    RevealedField,
    Staff,
    Tier,
    TierCause,
    TierChange,
)
from .roles import ROLE_PERMISSIONS, Role, placement_refusal

# staff_set_roles without a branch keeps the person's own.
_KEEP = object()


def roles_sync() -> None:
    """One group per role with exactly the permissions ROLE_PERMISSIONS gives it."""
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)


@transaction.atomic
def staff_set_roles(
    *, staff: Staff, roles: Iterable[str], branch: Branch | object | None = _KEEP
) -> Staff:
    """Exactly these roles for `staff` (and, if given, this branch), all or nothing: a branch
    role means exactly one branch, head-office roles alone mean none, never both
    (accounts/roles.placement_refusal)."""
    wanted = {str(role) for role in roles}
    unknown = wanted - set(Role.values)
    if unknown:
        raise InvalidInput(_("No such role: {names}.").format(names=", ".join(sorted(unknown))))
    new_branch = staff.branch if branch is _KEEP else branch
    refusal = placement_refusal(wanted, has_branch=new_branch is not None)
    if refusal:
        raise InvalidInput(refusal, details={"branch": [refusal]})
    if branch is not _KEEP:
        staff.branch = new_branch  # type: ignore[assignment]
        staff.save(update_fields=["branch"])
    staff.groups.set(Group.objects.filter(name__in=wanted))
    staff.__dict__.pop("role_names", None)
    return staff


@transaction.atomic
def customer_set_tier(*, customer: Customer, actor: Staff, tier: str, reason: str) -> Customer:
    """A manual tier, recorded with who and why; an empty tier returns to the computed one."""
    if customer.branch_id != actor.branch_id:
        raise NotFound(_("Not found."))
    if not permissions.may_set_tier(actor):
        raise Forbidden(
            _("Only the marketing director or general manager sets a tier by hand."),
        )
    if tier and tier not in Tier.values:
        raise InvalidInput(_("Unknown tier."))
    if tier and not reason.strip():
        raise InvalidInput(_("Say why the tier is set by hand."))
    locked = Customer.objects.select_for_update().select_related("branch").get(pk=customer.pk)
    before = locked.tier
    locked.tier_override = tier
    locked.tier_override_reason = reason.strip() if tier else ""
    locked.tier_override_by = actor if tier else None
    locked.tier_override_at = timezone.now() if tier else None
    locked.save(
        update_fields=[
            "tier_override",
            "tier_override_reason",
            "tier_override_by",
            "tier_override_at",
        ]
    )
    if locked.tier != before:
        TierChange.objects.create(
            customer=locked,
            from_tier=before,
            to_tier=locked.tier,
            cause=TierCause.OVERRIDE,
            assets=locked.assets,
            annual_volume=locked.annual_volume,
            reason=locked.tier_override_reason,
            actor=actor,
        )
    return locked


def customer_access_record(
    *,
    customer: Customer,
    actor: Staff,
    client_ip: str | None,
    channel: str,
    field: str = RevealedField.NONE,
    purpose: str = "",
    note: str = "",
) -> CustomerAccessLog:
    """PIPL Art. 51: `actor` looked at `customer` (one row per look). A field shown in full
    goes through customer_reveal, which asks accounts/permissions.py first."""
    if channel not in AccessChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if field not in RevealedField.values:
        raise ValueError(f"unknown field {field!r}")
    return CustomerAccessLog.objects.create(
        customer=customer,
        actor=actor,
        branch_id=customer.branch_id,
        client_ip=client_ip or None,
        channel=channel,
        field=field,
        purpose=purpose,
        note=note,
    )


_REFUSALS = {
    RevealedField.NAME: gettext_lazy("Only the counter sees a customer's name in full."),
    RevealedField.IDENTITY: gettext_lazy(
        "Only the counter sees the identity number and phone in full, to verify the customer."
    ),
    RevealedField.PHONE: gettext_lazy(
        "Only the customer's account manager, the branch's directors and the counter may see "
        "the phone in full."
    ),
    RevealedField.RECORD: gettext_lazy(
        "Only the head office's administrator corrects personal fields."
    ),
}


def customer_reveal(
    *,
    customer: Customer,
    actor: Staff,
    field: str,
    purpose: str,
    client_ip: str | None,
    channel: str = AccessChannel.PAGE,
    note: str = "",
) -> CustomerAccessLog:
    """PIPL Art. 6, 51: `field` of `customer` is about to be shown to `actor` in full, for
    `purpose`. Refused unless accounts/permissions.may_reveal allows it; otherwise recorded,
    once, before the caller shows it: who, when, from where, through what, what and why."""
    if not permissions.may_correct_record(actor):
        require_same_branch(customer.branch_id, actor)
    if field not in RevealedField.values or field == RevealedField.NONE:
        raise InvalidInput(_("Say which field is to be shown."))
    if purpose not in AccessPurpose.values:
        raise InvalidInput(_("Say why the field is to be shown."))
    note = " ".join((note or "").split())
    if len(note) > 200:
        raise InvalidInput(_("Keep the note to 200 characters."))
    if not permissions.may_reveal(actor, customer, field=field, purpose=purpose):
        raise Forbidden(str(_REFUSALS[RevealedField(field)]))
    return customer_access_record(
        customer=customer,
        actor=actor,
        client_ip=client_ip,
        channel=channel,
        field=field,
        purpose=purpose,
        note=note,
    )


BRANCH_SETTINGS = ("name",)


@transaction.atomic
def branch_configure(*, code: str, **values: Any) -> tuple[Branch, bool]:
    """A branch going live: created with its code, or its name changed. Checked as the admin
    checks it, all or nothing. Its rules are the firm's norm (accounts/norm)."""
    unknown = set(values) - set(BRANCH_SETTINGS)
    if unknown:
        raise InvalidInput(
            _("No such branch setting: {names}.").format(names=", ".join(sorted(unknown)))
        )
    code = (code or "").strip().upper()
    branch = Branch.objects.select_for_update().filter(code=code).first()
    created = branch is None
    if branch is None:
        branch = Branch(code=code, name=values.get("name") or code)
    for name, value in values.items():
        if value is not None:
            setattr(branch, name, value)
    try:
        branch.full_clean()
    except ValidationError as exc:
        raise InvalidInput(
            "; ".join(
                f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
                for field, messages in exc.message_dict.items()
            ),
            details=exc.message_dict,
        ) from exc
    branch.save()
    return branch, created
