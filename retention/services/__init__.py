"""Every write in the retention app goes through these functions."""

from .commission import commission_agree, commission_approve, commission_refuse
from .commitments import (
    commitment_cancel,
    commitment_create,
    commitment_keep,
    commitments_escalate_overdue,
)
from .departures import contact_task_complete, departure_reassign
from .memos import memo_record_outcome, memo_update
from .playbooks import StepText, attempt_record, playbook_publish
from .reports import monthly_report_prepare
from .warnings import (
    MetricsRow,
    at_risk_scan,
    complaint_record,
    complaint_resolve,
    metrics_load,
)

__all__ = [
    "MetricsRow",
    "StepText",
    "at_risk_scan",
    "attempt_record",
    "commission_agree",
    "commission_approve",
    "commission_refuse",
    "commitment_cancel",
    "commitment_create",
    "commitment_keep",
    "commitments_escalate_overdue",
    "complaint_record",
    "complaint_resolve",
    "contact_task_complete",
    "departure_reassign",
    "memo_record_outcome",
    "memo_update",
    "metrics_load",
    "monthly_report_prepare",
    "playbook_publish",
]
