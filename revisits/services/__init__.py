"""Every write to revisits goes through these functions."""

from .events import event_create, event_invite, event_mark_attendance
from .outcomes import revisit_reassign, revisit_record
from .planning import revisits_plan
from .rules import RevisitRule, revisit_rules_for
from .sweeps import revisit_reminders_send, revisits_escalate_late

__all__ = [
    "RevisitRule",
    "event_create",
    "event_invite",
    "event_mark_attendance",
    "revisit_reassign",
    "revisit_record",
    "revisit_reminders_send",
    "revisit_rules_for",
    "revisits_escalate_late",
    "revisits_plan",
]
