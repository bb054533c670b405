"""Reads of the retention app that are more than one line."""

from .analysis import monthly_figures
from .commission import CommissionRange, commission_range_for, commission_ranges_for
from .commitments import (
    commitments_for_owner,
    contact_tasks_for,
    customer_retention_badges,
    overdue_commitments,
    retention_badges_for,
)
from .playbooks import playbook_current, playbook_panel_context
from .risk import AtRiskList, AtRiskRow, RetentionSettings, at_risk_for, retention_settings_for

__all__ = [
    "AtRiskList",
    "AtRiskRow",
    "CommissionRange",
    "RetentionSettings",
    "at_risk_for",
    "commission_range_for",
    "commission_ranges_for",
    "commitments_for_owner",
    "contact_tasks_for",
    "customer_retention_badges",
    "monthly_figures",
    "overdue_commitments",
    "playbook_current",
    "playbook_panel_context",
    "retention_badges_for",
    "retention_settings_for",
]
