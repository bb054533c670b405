"""Retention's part of the home page (transfers.hooks.on_home_panel): the promises to
customers due by the next trading day, for the branch's managers (Art. 29, 34: every promise
is kept or answered for)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Staff
from transfers.hooks import HomeItem, HomePanel

from . import permissions
from .models import Commitment, CommitmentStatus

SHOWN = 10


def commitments_due_panel(*, actor: Staff, today: dt.date, until: dt.date) -> HomePanel | None:
    """The branch's open commitments due by `until`, overdue ones first, for the marketing
    director and the general manager; nobody else's home has this panel."""
    if not permissions.manages_retention(actor):
        return None
    due = list(
        Commitment.objects.filter(
            branch_id=actor.branch_pk, status=CommitmentStatus.OPEN, due_on__lte=until
        )
        .select_related("customer", "customer__branch", "owner")
        .order_by("due_on", "pk")[: SHOWN + 1]
    )
    return HomePanel(
        key="commitments",
        title=_("Commitments due (Art. 29)"),
        items=[
            HomeItem(
                text=_("{customer}: {what} — {owner}").format(
                    customer=c.customer.masked_name, what=c.what, owner=c.owner
                ),
                link=reverse("retention_customer", args=[c.customer_id]),
                due_on=c.due_on,
                overdue=c.due_on < today,
            )
            for c in due[:SHOWN]
        ],
        more_link=reverse("retention_commitments") if len(due) > SHOWN else "",
        empty=_("No promise falls due."),
    )
