"""Who reads the head-office console: the head office (accounts.permissions.sees_every_branch).
A branch's staff read their own branch's analysis instead; the console is not theirs."""

from __future__ import annotations

from typing import Any

from accounts.permissions import sees_every_branch


def reads_console(actor: Any) -> bool:
    return sees_every_branch(actor)


def reads_alerts(actor: Any) -> bool:
    """The firm-wide alerts are for head-office compliance, who is told of each, and are
    read by whoever reads the console."""
    return sees_every_branch(actor)
