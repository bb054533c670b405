"""The transfer/close request (转销户) and what hangs off it: document checks, approvals,
appointments, the audit trail, fees, receipt numbers and the receipt's prints."""

from .approvals import Appointment, Approval, ApprovalDispute, ApprovalMode, ApprovalStep
from .audit import AuditAction, TransferAuditEntry
from .closures import ClosureCandidate
from .desk import ApprovalQueueItem, LateRequest, OverdueSignOff, PendingSignOff
from .fees import FeeItem, ReceiptCounter
from .papers import ReceiptCopy, ReceiptPrint
from .reasons import ChurnReason
from .requests import (
    ENDED_STATES,
    LEFT_STATES,
    RUNNING_STATES,
    DocumentCheck,
    DocumentKind,
    RetainedDocument,
    S,
    TransferRequest,
    TransferRequestQuerySet,
    TransferState,
    required_documents,
)
from .substitutes import Substitution

__all__ = [
    "ENDED_STATES",
    "LEFT_STATES",
    "RUNNING_STATES",
    "Appointment",
    "Approval",
    "ApprovalDispute",
    "ApprovalMode",
    "ApprovalQueueItem",
    "ApprovalStep",
    "AuditAction",
    "ChurnReason",
    "ClosureCandidate",
    "DocumentCheck",
    "DocumentKind",
    "FeeItem",
    "LateRequest",
    "OverdueSignOff",
    "PendingSignOff",
    "ReceiptCopy",
    "ReceiptCounter",
    "ReceiptPrint",
    "RetainedDocument",
    "S",
    "Substitution",
    "TransferAuditEntry",
    "TransferRequest",
    "TransferRequestQuerySet",
    "TransferState",
    "required_documents",
]
