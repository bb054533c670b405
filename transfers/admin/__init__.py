"""Transfer requests in the admin: read-only records with their approvals, document checks and
audit trail; appointments; and the approvers' desk — the approvals queue, phone
approvals to sign off (补签), overdue sign-offs and late requests. Every action goes through
the same services as the counter; a service's refusal is shown as a message."""

# Django's autodiscovery imports only this package: importing every submodule here is what
# runs their @admin.register.
from .appointments import AppointmentAdmin, AppointmentAdminForm
from .desk import (
    ApprovalQueueAdmin,
    LateRequestAdmin,
    OverdueSignOffAdmin,
    PendingSignOffAdmin,
    SendBackForm,
)
from .reference import ChurnReasonAdmin, ClosureCandidateAdmin
from .requests import (
    ApprovalInline,
    AuditEntryInline,
    DocumentCheckInline,
    ReceiptPrintInline,
    TransferAuditEntryAdmin,
    TransferRequestAdmin,
)
from .substitutes import SubstitutionAdmin

__all__ = [
    "AppointmentAdmin",
    "AppointmentAdminForm",
    "ApprovalInline",
    "ApprovalQueueAdmin",
    "AuditEntryInline",
    "ChurnReasonAdmin",
    "ClosureCandidateAdmin",
    "DocumentCheckInline",
    "LateRequestAdmin",
    "OverdueSignOffAdmin",
    "PendingSignOffAdmin",
    "ReceiptPrintInline",
    "SendBackForm",
    "SubstitutionAdmin",
    "TransferAuditEntryAdmin",
    "TransferRequestAdmin",
]
