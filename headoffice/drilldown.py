"""The console's count figures that stand for requests, and the requests behind each: the
firm's figure opens the branches behind it (from the stored monthly figures), a branch's
figure opens its requests (from the same selectors the figure was counted with), so the
count on the page and the rows of its list are one definition.

    figure = figure_get("reason")            # an unknown one is a 404
    key = figure.clean_key(request.GET)      # a keyed one without its key is a 400
    figure.stored(row, key)                  # a branch's count in a stored month
    figure.rows(branch_id=…, first=…, last=…, today=…, key=key)   # the requests behind it
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Tier
from kernel.calendar import BEIJING
from kernel.errors import InvalidInput, NotFound
from kernel.params import clean_text
from retention.tables import tier_label
from transfers.models import ChurnReason, TransferRequest

from .models import BranchMonthFigures
from .selectors import (
    blocked_checked_in_month,
    condition_codes,
    late_requests_in_month,
    left_in_month,
    overdue_sign_offs_in_month,
)

# What a retention memo's tier may be: the three tiers, and institutions counted apart.
TIERS = frozenset({*Tier.values, "institution"})


@dataclass(frozen=True)
class Row:
    """One line of a list behind a figure: the request, the day that put it there, and
    what about it the figure counts (a reason, a step, a condition)."""

    request: TransferRequest
    day: dt.date | None
    detail: str


@dataclass(frozen=True)
class Scope:
    branch_id: int
    first: dt.date
    last: dt.date
    today: dt.date
    key: str


def _requests(qs: Any) -> Any:
    return qs.select_related("customer", "customer__branch")


def _merged(items: list[dict[str, Any]], field: str, key: str) -> int:
    return sum(int(i["count"]) for i in items if (i.get(field) or "") == key)


# --- the rows behind each figure ----------------------------------------------------------


def _left_rows(scope: Scope, **match: str) -> list[Row]:
    memos = (
        left_in_month(month=scope.first, last=scope.last)
        .filter(branch_id=scope.branch_id, **match)
        .select_related(
            "request", "request__customer", "request__customer__branch", "primary_reason"
        )
        .order_by("left_on", "request_id")
    )
    return [
        Row(
            m.request,
            m.left_on,
            " · ".join(
                part
                for part in (
                    m.primary_reason.name if m.primary_reason else "",
                    m.receiving_broker,
                )
                if part
            ),
        )
        for m in memos
    ]


def _churn_rows(scope: Scope) -> list[Row]:
    return _left_rows(scope)


def _reason_rows(scope: Scope) -> list[Row]:
    if not scope.key:  # "(no reason recorded)"
        return _left_rows(scope, primary_reason__isnull=True)  # type: ignore[arg-type]
    return _left_rows(scope, primary_reason__code=scope.key)


def _tier_rows(scope: Scope) -> list[Row]:
    return _left_rows(scope, tier=scope.key)


def _broker_rows(scope: Scope) -> list[Row]:
    return _left_rows(scope, receiving_broker=scope.key)


def _late_rows(scope: Scope) -> list[Row]:
    requests = _requests(
        late_requests_in_month(month=scope.first, today=scope.today, last=scope.last).filter(
            branch_id=scope.branch_id
        )
    ).order_by("due_on", "pk")
    return [
        Row(
            r,
            r.due_on,
            _("closure due by {date}").format(date=r.closure_due_on) if r.closure_due_on else "",
        )
        for r in requests
    ]


def _sign_off_rows(scope: Scope) -> list[Row]:
    # One row per overdue sign-off, as the figure counts them: a request with two phone
    # approvals both overdue is listed twice, once per step.
    approvals = (
        overdue_sign_offs_in_month(month=scope.first, today=scope.today, last=scope.last)
        .filter(request__branch_id=scope.branch_id)
        .select_related("request", "request__customer", "request__customer__branch", "approver")
        .order_by("sign_off_due_on", "request_id", "pk")
    )
    return [
        Row(a.request, a.sign_off_due_on, f"{a.get_step_display()} · {a.approver}")
        for a in approvals
    ]


def _blocked_rows(scope: Scope) -> list[Row]:
    # The conditions are a list in a JSON column, which SQLite cannot search inside: the
    # month's blocked requests of the branch are few, and are filtered here.
    requests = _requests(
        blocked_checked_in_month(month=scope.first, last=scope.last).filter(
            branch_id=scope.branch_id
        )
    ).order_by("blocking_checked_at", "pk")
    return [
        Row(
            r,
            r.blocking_checked_at.astimezone(BEIJING).date(),
            "；".join(
                str(c.get("message", ""))
                for c in r.blocking_conditions
                if c.get("code") == scope.key
            ),
        )
        for r in requests
        if scope.key in condition_codes(r.blocking_conditions)
    ]


# --- the figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    slug: str
    title: Promise
    day_label: Promise
    detail_label: Promise
    stored: Callable[[BranchMonthFigures, str], int]
    rows: Callable[[Scope], list[Row]]
    # A figure of a breakdown (by reason, tier, broker, condition) names its line.
    keyed: bool = False
    # The key may be empty: "(no reason recorded)", "(no Shenzhen transfer)".
    blank_key: bool = False
    valid_key: Callable[[str], bool] = lambda key: True

    def clean_key(self, query: Mapping[str, str]) -> str:
        """The line of a breakdown, from ?key=; refused (400) when missing or not one the
        figure has; a figure without lines takes none."""
        if not self.keyed:
            return ""
        if "key" not in query:
            raise InvalidInput(
                _("Say which line of the figure to open (key)."), details={"parameter": "key"}
            )
        key = clean_text(query.get("key"))
        if (not key and not self.blank_key) or (key and not self.valid_key(key)):
            raise InvalidInput(
                _("“{key}” is not a line of this figure.").format(key=key),
                details={"parameter": "key"},
            )
        return key

    def key_label(self, key: str) -> str:
        if not self.keyed:
            return ""
        if self.slug == "reason":
            if not key:
                return _("(no reason recorded)")
            reason = ChurnReason.objects.filter(code=key).first()
            return reason.name if reason else key
        if self.slug == "tier":
            return tier_label(key)
        if self.slug == "broker":
            return key or _("(no Shenzhen transfer)")
        return key


_left_on = gettext_lazy("Left on")
_reason_broker = gettext_lazy("Primary reason · receiving broker")

FIGURES: dict[str, Figure] = {
    f.slug: f
    for f in (
        Figure(
            "churn",
            gettext_lazy("Customers who left"),
            _left_on,
            _reason_broker,
            stored=lambda row, key: row.churn_count,
            rows=_churn_rows,
        ),
        Figure(
            "reason",
            gettext_lazy("Who left, by primary reason"),
            _left_on,
            _reason_broker,
            stored=lambda row, key: _merged(row.by_reason, "code", key),
            rows=_reason_rows,
            keyed=True,
            blank_key=True,
        ),
        Figure(
            "tier",
            gettext_lazy("Who left, by tier"),
            _left_on,
            _reason_broker,
            stored=lambda row, key: _merged(row.by_tier, "tier", key),
            rows=_tier_rows,
            keyed=True,
            valid_key=lambda key: key in TIERS,
        ),
        Figure(
            "broker",
            gettext_lazy("Who left, by receiving broker"),
            _left_on,
            _reason_broker,
            stored=lambda row, key: _merged(row.by_broker, "broker", key),
            rows=_broker_rows,
            keyed=True,
            blank_key=True,
        ),
        Figure(
            "late",
            gettext_lazy("Requests past two trading days"),
            gettext_lazy("Must be done by"),
            gettext_lazy("Closure"),
            stored=lambda row, key: row.late_requests,
            rows=_late_rows,
        ),
        Figure(
            "sign_offs",
            gettext_lazy("Overdue phone sign-offs"),
            gettext_lazy("Written sign-off due"),
            gettext_lazy("Step · approver"),
            stored=lambda row, key: row.overdue_sign_offs,
            rows=_sign_off_rows,
        ),
        Figure(
            "blocked",
            gettext_lazy("Requests held up, by blocking condition"),
            gettext_lazy("Checked on"),
            gettext_lazy("Condition"),
            stored=lambda row, key: int(row.blocked_by_condition.get(key, 0)),
            rows=_blocked_rows,
            keyed=True,
        ),
    )
}


def figure_get(slug: str) -> Figure:
    """A figure named in the page's address: any other name is no page at all (a 404)."""
    figure = FIGURES.get(slug)
    if figure is None:
        raise NotFound(_("Not found."))
    return figure


@dataclass(frozen=True)
class Drill:
    """Where a count on the console's pages opens: on a firm page, the branches behind the
    firm's figure; on a branch's line or page, that branch's requests."""

    query: str  # the pages' month range, from=YYYY-MM&to=YYYY-MM
    branch_id: int | None = None

    def href(
        self, figure: str, key: str | None = None, *, count: int, branch_id: int | None = None
    ) -> str | None:
        """None for a count of zero: there is nothing to open."""
        if not count:
            return None
        branch_id = branch_id or self.branch_id
        query = self.query + (f"&{urlencode({'key': key})}" if key is not None else "")
        if branch_id is None:
            return f"{reverse('headoffice_figure', args=[figure])}?{query}"
        return f"{reverse('headoffice_branch_figure', args=[branch_id, figure])}?{query}"
