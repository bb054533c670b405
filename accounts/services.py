"""Writes to branches, staff and customers."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.errors import Forbidden, InvalidInput, NotFound

from . import permissions
from .models import AccessChannel, Customer, CustomerAccessLog, Staff, Tier
from .roles import ROLE_PERMISSIONS, Role


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
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
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
    return locked


def customer_access_record(
    *, customer: Customer, actor: Staff, client_ip: str | None, channel: str
) -> CustomerAccessLog:
    """PIPL Art. 51: a customer's full details were shown to `actor`. Call it from every place
    that shows them (the customer page, the API's customer retrieve)."""
    if channel not in AccessChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    return CustomerAccessLog.objects.create(
        customer=customer,
        actor=actor,
        branch_id=customer.branch_id,
        client_ip=client_ip or None,
        channel=channel,
    )
