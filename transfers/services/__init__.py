"""Every write to a transfer request goes through these functions."""

from ..fees import fee_for
from .appointments import appointment_book, appointment_record_findings
from .approvals import (
    approval_dispute,
    approval_sign_off,
    transfer_approve,
    transfer_recheck,
    transfer_record_phone_approval,
    transfer_send_back,
)
from .papers import receipt_print
from .processing import (
    closure_conditions_missing,
    required_retained,
    transfer_close_account,
    transfer_complete,
    transfer_confirm_password,
    transfer_start_processing,
    transfer_unlock_password,
)
from .recall import approval_recall
from .requests import (
    missing_documents,
    transfer_customer_stays,
    transfer_defer,
    transfer_documents_verify,
    transfer_go_on,
    transfer_reason_record,
    transfer_refuse,
    transfer_request_create,
    transfer_resume,
)
from .sign_offs import approvals_sign_off
from .substitutes import substitution_cancel, substitution_create
from .sweeps import closure_sweep, late_requests_flag, ready_to_close, sign_offs_escalate

__all__ = [
    "appointment_book",
    "appointment_record_findings",
    "approval_dispute",
    "approval_recall",
    "approval_sign_off",
    "approvals_sign_off",
    "closure_conditions_missing",
    "closure_sweep",
    "fee_for",
    "late_requests_flag",
    "missing_documents",
    "ready_to_close",
    "receipt_print",
    "required_retained",
    "sign_offs_escalate",
    "substitution_cancel",
    "substitution_create",
    "transfer_approve",
    "transfer_close_account",
    "transfer_complete",
    "transfer_confirm_password",
    "transfer_customer_stays",
    "transfer_defer",
    "transfer_documents_verify",
    "transfer_go_on",
    "transfer_reason_record",
    "transfer_recheck",
    "transfer_record_phone_approval",
    "transfer_refuse",
    "transfer_request_create",
    "transfer_resume",
    "transfer_send_back",
    "transfer_start_processing",
    "transfer_unlock_password",
]
