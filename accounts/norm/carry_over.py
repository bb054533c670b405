"""The first version of the firm's norm, made from the settings the branches held before
the norm existed (a migration's step, accounts/migrations/0011): no branch's behaviour
changes.

Version 1 takes, for every rule, the loosest value any branch held (or the source's default
where none was looser), so every branch's own value is at least as strict; a branch whose
value differs gets a refinement of it, in force from the same day. The old tables belong to
apps above accounts: they are read by name, and on a new database, which holds no settings
yet, they are simply not there."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from .catalog import DEFAULTS, RULES, Direction

# Every rule held before the norm existed was in force from the branch's first day.
SINCE = dt.date(2000, 1, 1)
WHY = "各营业部原有设置转为公司规范第1版及营业部细化 / The branches' settings as they held them"

_QUERIES: dict[str, tuple[str, Any]] = {
    "accounts_branch": (
        "SELECT id, important_assets, important_volume, core_assets, core_volume, "
        "approval_wait_alert_minutes FROM accounts_branch",
        lambda r: {
            "tier.important_assets": r[1],
            "tier.important_volume": r[2],
            "tier.core_assets": r[3],
            "tier.core_volume": r[4],
            "counter.wait_alert_minutes": r[5],
        },
    ),
    "revisits_revisitrule": (
        "SELECT branch_id, kind, value, channel FROM revisits_revisitrule",
        lambda r: {f"revisit.{r[1]}": r[2], f"revisit.{r[1]}.channel": r[3]},
    ),
    "retention_commissionrange": (
        "SELECT branch_id, tier, floor_rate, ceiling_rate FROM retention_commissionrange",
        lambda r: {f"commission.{r[1]}.floor": r[2], f"commission.{r[1]}.ceiling": r[3]},
    ),
    "transfers_feeschedule": (
        "SELECT branch_id, item, amount FROM transfers_feeschedule",
        lambda r: {f"fee.{r[1]}": r[2]},
    ),
    "retention_branchretentionsettings": (
        "SELECT branch_id, assets_drop_percent, assets_window_days, idle_trading_days, "
        "departure_watch_days, deferral_watch_days, commitment_days_default "
        "FROM retention_branchretentionsettings",
        lambda r: {
            "warning.assets_drop_percent": r[1],
            "warning.assets_window_days": r[2],
            "warning.idle_trading_days": r[3],
            "warning.departure_watch_days": r[4],
            "warning.deferral_watch_days": r[5],
            "warning.commitment_days_default": r[6],
        },
    ),
}


def held_settings(connection: Any) -> dict[int, dict[str, Any]]:
    """Every branch's values, rule by rule, from the tables that still exist."""
    tables = set(connection.introspection.table_names())
    held: dict[int, dict[str, Any]] = defaultdict(dict)
    with connection.cursor() as cursor:
        for table, (sql, values) in _QUERIES.items():
            if table not in tables:
                continue
            cursor.execute(sql)
            for row in cursor.fetchall():
                for key, value in values(row).items():
                    if key in RULES and value is not None:
                        held[row[0]][key] = RULES[key].parse(value)
    # A branch without a row worked by the defaults (revisit rules and early warning were
    # made from them on first use; a commission range had to be set before any was agreed),
    # except the custody-transfer fee: without a row it was never charged.
    for branch_id in list(held):
        for key, rule in RULES.items():
            if key not in held[branch_id]:
                free = key == "fee.sz_transfer" and "transfers_feeschedule" in tables
                held[branch_id][key] = rule.parse("0" if free else rule.default)
    return held


def first_version(held: dict[int, dict[str, Any]]) -> dict[str, Any]:
    version = {key: RULES[key].parse(value) for key, value in DEFAULTS.items()}
    for values in held.values():
        for key, value in values.items():
            rule = RULES[key]
            if rule.direction == Direction.AT_MOST:
                version[key] = max(version[key], value)
            elif rule.direction == Direction.AT_LEAST:
                version[key] = min(version[key], value)
    return version


def carry_over(apps: Any, schema_editor: Any) -> None:
    NormVersion = apps.get_model("accounts", "NormVersion")
    Refinement = apps.get_model("accounts", "Refinement")
    if NormVersion.objects.exists():
        return
    held = held_settings(schema_editor.connection)
    version = first_version(held)
    NormVersion.objects.create(
        number=1,
        effective_from=SINCE,
        why=WHY,
        rules={key: RULES[key].text(value) for key, value in version.items()},
        approval_groups=[],
    )
    Refinement.objects.bulk_create(
        Refinement(
            branch_id=branch_id,
            rule=key,
            value=RULES[key].text(value),
            effective_from=SINCE,
            why=WHY,
            state="in_force",
        )
        for branch_id, values in sorted(held.items())
        for key, value in sorted(values.items())
        if value != version[key]
    )
