"""Open work in transfers that a person leaving the directory leaves behind
(accounts/directory.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.directory import open_work
from accounts.models import Staff

from .selectors import pending_sign_offs_for, requests_awaiting


@open_work("transfers.approvals", _("Requests awaiting their approval"))
def approvals(staff: Staff) -> int:
    return requests_awaiting(staff).count()


@open_work("transfers.sign_offs", _("Phone approvals awaiting their signature"))
def sign_offs(staff: Staff) -> int:
    return pending_sign_offs_for(staff).count()
