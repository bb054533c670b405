"""What the branch does about why customers leave (the reasons' taxonomy is transfers',
where the request records it): versioned playbooks and the attempts that follow them, the work
memo of Art. 30, commitments, commission agreements, departures, the early-warning flags
and the monthly analysis."""

from .audit import RetentionAction, RetentionAuditEntry
from .commission import CommissionAgreement, CommissionStatus
from .commitments import Commitment, CommitmentStatus
from .complaints import Complaint, ComplaintStatus
from .departures import (
    DepartureKind,
    RetentionContactTask,
    ServiceTeam,
    ServiceTeamAssignment,
    StaffDeparture,
    TaskStatus,
)
from .memos import MemoOutcome, WorkMemo
from .playbooks import Playbook, PlaybookStep, RetentionAttempt
from .reports import MonthlyReport
from .risk import AtRiskFlag, DailyCustomerMetrics, RiskRule

__all__ = [
    "AtRiskFlag",
    "CommissionAgreement",
    "CommissionStatus",
    "Commitment",
    "CommitmentStatus",
    "Complaint",
    "ComplaintStatus",
    "DailyCustomerMetrics",
    "DepartureKind",
    "MemoOutcome",
    "MonthlyReport",
    "Playbook",
    "PlaybookStep",
    "RetentionAction",
    "RetentionAttempt",
    "RetentionAuditEntry",
    "RetentionContactTask",
    "RiskRule",
    "ServiceTeam",
    "ServiceTeamAssignment",
    "StaffDeparture",
    "TaskStatus",
    "WorkMemo",
]
