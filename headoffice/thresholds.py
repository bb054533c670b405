"""The firm-wide alerts' thresholds, in one place (the firm's norm may hold them later, Art.
35-37): how many cases of a sign in one month make a branch an alert for head-office
compliance, and the windows that decide what counts as a case.

Every single case is already told to the branch's own managers (transfers/services/
sweeps.py: each late request to the general manager, each day); head-office compliance is
told of a pattern. So a threshold is the count at which a month at one branch stops looking
like chance."""

from __future__ import annotations

from .models import AlertSign

ALERT_THRESHOLDS: dict[str, int] = {
    # Two trading days (CSDC 2018; CSRC Order 204). One late request can be a core system's
    # bad day or a clearing-house hold the branch could not lift; three in a month at one
    # branch are how it works.
    AlertSign.LATE_REQUESTS: 3,
    # Forced retention (CSRC notice of 2009; Order 204) is forbidden outright, so its signs
    # weigh more: one customer asked twice to defer can still be their own choice (Art. 23,
    # 25 invite a deferral); two such customers in a month at one branch are a practice.
    AlertSign.REPEAT_DEFERRAL: 2,
    # The same reasoning for requests withdrawn and opened again soon after.
    AlertSign.WITHDRAWN_REOPENED: 2,
}

# A customer's earlier deferral for the same reason counts for this long: half a year is
# still the same story (Art. 34's follow-up of a deferred customer runs that long); after it,
# trying the service again (Art. 23, 25) has had its chance and a new deferral is new.
REPEAT_DEFERRAL_WINDOW_DAYS = 180

# A request opened again within this many calendar days of the customer's withdrawn one
# means the customer had not decided to stay. Calendar days, not trading days: the sign
# needs no calendar, and a customer returning over a holiday is as telling as on a weekday.
REOPEN_WINDOW_DAYS = 10


def alert_threshold(sign: str) -> int:
    return ALERT_THRESHOLDS[sign]
