"""The admin's views of requests and approvals (the approvers' desk, sign-offs, late
requests): proxies, no tables of their own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .approvals import Approval
from .requests import TransferRequest


# The approvers' desk is four lists over two tables; each list is a proxy model so that it
# has its own page, permission and actions in the admin. (Proxies change no table; their
# migration only records them.)
class ApprovalQueueItem(TransferRequest):
    class Meta:
        proxy = True
        verbose_name = _("request awaiting my approval")
        verbose_name_plural = _("approvals queue")


class PendingSignOff(Approval):
    class Meta:
        proxy = True
        verbose_name = _("phone approval to sign off")
        verbose_name_plural = _("my phone approvals to sign off (补签)")


class OverdueSignOff(Approval):
    class Meta:
        proxy = True
        verbose_name = _("overdue sign-off")
        verbose_name_plural = _("overdue sign-offs")


class LateRequest(TransferRequest):
    class Meta:
        proxy = True
        verbose_name = _("late request")
        verbose_name_plural = _("late requests")
