"""The firm-wide alerts: a branch whose month shows a sign (headoffice/signs.py) at or past
its threshold (headoffice/thresholds.py) is flagged to head-office compliance with the
requests behind it. Forced retention is forbidden (CSRC notice of 2009; CSRC Order No. 204)
and a transfer or closure is due within two trading days (CSDC 2018): compliance is told
where the records say a branch may not be keeping to either."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch, Staff
from accounts.roles import Role
from jobs.registry import notify_once

from ..models import AlertSign, BranchAlert
from ..signs import month_findings
from ..thresholds import alert_threshold


def compliance_staff() -> list[Staff]:
    """Whom an alert is for: every active person of head-office compliance."""
    return list(
        Staff.objects.filter(is_active=True, groups__name=Role.HQ_COMPLIANCE)
        .distinct()
        .order_by("pk")
    )


def _notify(alerts: list[BranchAlert], *, today: dt.date) -> int:
    if not alerts:
        return 0
    recipients = compliance_staff()
    branches = Branch.objects.in_bulk([a.branch_id for a in alerts])
    told = 0
    for alert in alerts:
        branch = branches[alert.branch_id]
        told += notify_once(
            kind="headoffice.alert",
            ref=f"alert:{alert.pk}",
            recipients=recipients,
            business_date=today,
            subject=_("Alert: {branch}, {month}: {sign}").format(
                branch=f"{branch.code} {branch.name}",
                month=f"{alert.month:%Y-%m}",
                sign=AlertSign(alert.sign).label,
            ),
            body=_("{count} in the month (the threshold is {threshold}).").format(
                count=alert.count, threshold=alert.threshold
            ),
            link=reverse("headoffice_alert", args=[alert.pk]),
        )
    return told


@transaction.atomic
def branch_alerts_raise(*, month: dt.date, today: dt.date) -> Counter[str]:
    """Raise the month's alerts of every branch, as the records stand on `today`. Safe to
    run twice: an alert already raised keeps its row and is not told again, its count and
    requests brought up to date; one whose count has fallen below the threshold since stays
    as it was raised (compliance was told, and a correction does not untell it). Two runs at
    once cannot both raise an alert: the second's insert breaks the unique constraint and
    its run fails, rolled back, before it tells anyone."""
    first = month.replace(day=1)
    findings = month_findings(month=first, today=today)
    existing = {
        (a.branch_id, a.sign): a
        for a in BranchAlert.objects.select_for_update(of=("self",), no_key=True)
        .filter(month=first)
        .order_by("pk")
    }
    now = timezone.now()
    new: list[BranchAlert] = []
    changed: list[BranchAlert] = []
    for sign, per_branch in findings.items():
        threshold = alert_threshold(sign)
        for branch_id, finding in sorted(per_branch.items()):
            if finding.count < threshold:
                continue
            alert = existing.get((branch_id, sign))
            if alert is None:
                new.append(
                    BranchAlert(
                        branch_id=branch_id,
                        month=first,
                        sign=sign,
                        count=finding.count,
                        threshold=threshold,
                        request_ids=finding.ids,
                        raised_at=now,
                        updated_at=now,
                    )
                )
            elif (alert.count, alert.request_ids) != (finding.count, finding.ids):
                alert.count, alert.request_ids, alert.updated_at = finding.count, finding.ids, now
                changed.append(alert)
    created = BranchAlert.objects.bulk_create(new)
    BranchAlert.objects.bulk_update(changed, ["count", "request_ids", "updated_at"])
    counts: Counter[str] = Counter()
    counts["alerts"] = len(existing) + len(created)
    counts["alerts_new"] = len(created)
    counts["compliance_told"] = _notify(created, today=today)
    return counts
