"""A substitution named or cancelled is told to the people it binds (Art. 17: approvers who
are out hand their steps over; neither side should learn it from the queue)."""

import datetime as dt

from notifications.models import Notification
from transfers import services
from transfers.models import ApprovalStep

FIRST = dt.date(2026, 11, 25)  # the suite's frozen today
LAST = dt.date(2026, 11, 30)


def _named(people, *, absent, substitute, by, steps):
    return services.substitution_create(
        actor=by,
        absent=absent,
        substitute=substitute,
        steps=steps,
        starts_on=FIRST,
        ends_on=LAST,
        reason="客户拜访",
    )


def _told(staff):
    return list(Notification.objects.filter(recipient=staff).values_list("subject", flat=True))


def test_the_substitute_is_told_what_they_take_and_the_namer_is_not(people):
    _named(
        people,
        absent=people.md,
        substitute=people.gm,
        by=people.md,
        steps=[ApprovalStep.MARKETING_DIRECTOR],
    )

    (subject,) = _told(people.gm)
    assert str(people.gm) in subject and str(people.md) in subject
    assert "2026-11-25" in subject and "2026-11-30" in subject
    assert _told(people.md) == []


def test_named_by_the_general_manager_the_absent_approver_is_told_too(people):
    made = _named(
        people,
        absent=people.lead,
        substitute=people.md,
        by=people.gm,
        steps=[ApprovalStep.COUNTER_LEAD],
    )
    assert len(_told(people.lead)) == 1 and len(_told(people.md)) == 1

    services.substitution_cancel(substitution=made, actor=people.gm)

    made.refresh_from_db()
    assert made.cancelled_by == people.gm
    assert len(_told(people.lead)) == 2 and len(_told(people.md)) == 2
    assert _told(people.gm) == []
