"""Open revisit tasks a person leaving the directory leaves behind (accounts/directory.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.directory import open_work
from accounts.models import Staff

from .models import RevisitTask


@open_work("revisits.tasks", _("Open revisit tasks"))
def revisit_tasks(staff: Staff) -> int:
    return RevisitTask.objects.filter(owner=staff).open().count()
