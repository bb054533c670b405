"""Why a customer is on the at-risk list, in words: each flag keeps the figures that made its
rule fire, and this turns them into the sentence a manager reads."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def explain_flag(rule: str, details: dict[str, Any]) -> str:
    d = details
    if rule == "assets_drop":
        return _(
            "Assets fell {drop}% in {days} days ({before} on {since} → {now}); the branch "
            "flags a fall of more than {threshold}%."
        ).format(
            drop=d.get("drop_percent"),
            days=d.get("window_days"),
            before=d.get("assets_before"),
            since=d.get("since"),
            now=d.get("assets_now"),
            threshold=d.get("threshold_percent"),
        )
    if rule == "no_trades":
        if d.get("last_trade_on"):
            return _(
                "No trades for {days} trading days (last trade on {last}); the branch flags "
                "{threshold} or more."
            ).format(days=d.get("idle_days"), last=d["last_trade_on"], threshold=d.get("threshold"))
        return _(
            "No trades in the {days} trading days of data since {since}; the branch flags "
            "{threshold} or more."
        ).format(days=d.get("idle_days"), since=d.get("since"), threshold=d.get("threshold"))
    if rule == "manager_departed":
        if d.get("departed"):
            return _("Account manager {name} left on {date}; now served by {new}.").format(
                name=d.get("departed"), date=d.get("left_on"), new=d.get("taken_over_by")
            )
        return _("The account manager of record is no longer active.")
    if rule == "open_complaint":
        return _("{count} open complaint(s), the oldest received on {date}: {summary}").format(
            count=d.get("count"), date=d.get("oldest_on"), summary=d.get("summary", "")
        )
    if rule == "recent_deferral":
        return _("Deferred a transfer on {date}; follow up on {follow_up}.").format(
            date=d.get("deferred_on"), follow_up=d.get("follow_up_on") or "—"
        )
    return rule
