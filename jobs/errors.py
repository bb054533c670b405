"""The stable codes of the scheduled jobs' refusals (kernel.errors says what kind each is)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobErrorCode(models.TextChoices):
    BRANCH_NEEDED = "branch_needed", _("this job runs for one branch")
    UNKNOWN_JOB = "unknown_job", _("there is no such job")
