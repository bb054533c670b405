"""Open commitments and contact tasks a person leaving the directory leaves behind
(accounts/directory.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.directory import open_work
from accounts.models import Staff

from .models import Commitment, CommitmentStatus, RetentionContactTask
from .models.departures import TaskStatus


@open_work("retention.commitments", _("Open commitments to customers"))
def commitments(staff: Staff) -> int:
    return Commitment.objects.filter(owner=staff, status=CommitmentStatus.OPEN).count()


@open_work("retention.contact_tasks", _("Open retention contact tasks"))
def contact_tasks(staff: Staff) -> int:
    return RetentionContactTask.objects.filter(assigned_to=staff, status=TaskStatus.OPEN).count()
