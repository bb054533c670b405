"""The stable codes of retention's refusals (kernel.errors says what kind each is)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionErrorCode(models.TextChoices):
    ABOVE_RANGE = "above_range", _("the rate is above the permitted range (Art. 27)")
    NOTHING_TO_DO = "nothing_to_do", _("there is nothing to reassign")
