"""The stable codes of the revisits' refusals (kernel.errors says what kind each is)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RevisitErrorCode(models.TextChoices):
    ALREADY_RECORDED = "already_recorded", _("the revisit is already recorded")
    IN_THE_FUTURE = "in_the_future", _("the date is in the future")
    NEXT_CONTACT_TOO_LATE = (
        "next_contact_too_late",
        _("the next contact is later than the rules allow (Art. 31)"),
    )
    OUTCOME_MISSING = "outcome_missing", _("the outcome is missing")
    RULE_TOO_LOOSE = "rule_too_loose", _("a branch rule may only tighten the norm (Art. 35)")
    TOPICS_MISSING = "topics_missing", _("the revisit topics are missing (Art. 31)")
    VISIT_REQUIRED = (
        "visit_required",
        _("an institution needs a visit in person this year (Art. 32)"),
    )
