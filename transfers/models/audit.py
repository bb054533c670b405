"""The request's audit trail and the names of its actions, labelled once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.audit import AppendOnlyModel, RequestTraced

from .approvals import ApprovalStep
from .requests import TransferRequest, TransferState


def _by_step(text: Any, step: ApprovalStep) -> Any:
    return format_lazy(text, step=step.label)


class AuditAction(models.TextChoices):
    """What a request's audit row says happened: the stable code stored, the name people
    read, labelled once here. The transitions' names are their codes."""

    CREATE = "create", _("Request received")
    VERIFY_DOCUMENTS = "verify_documents", _("Documents verified")
    REFUSE = "refuse", pgettext_lazy("request state", "Refused")
    RECORD_REASON = "record_reason", _("Reason recorded")
    REASON_CHANGED = "reason_changed", _("Reason corrected")
    GO_ON = "go_on", _("Customer goes on")
    CUSTOMER_STAYS = "customer_stays", _("Customer stays")
    DEFER = "defer", _("Customer defers")
    RESUME = "resume", _("Customer resumes")
    SEND_BACK = "send_back", _("Sent back")
    CLEAR = "clear", _("Approval complete, nothing blocks")
    BLOCK = "block", _("Blocked")
    RECHECK = "recheck", _("Blocking conditions rechecked")
    START_PROCESSING = "start_processing", _("Processing started")
    PASSWORD_CONFIRMED = "password_confirmed", _("Customer confirmed with password")
    PASSWORD_WRONG = "password_wrong", _("Wrong password")
    LOCK_PASSWORD = "lock_password", _("Locked after wrong passwords")
    UNLOCK_PASSWORD = "unlock_password", _("Unlocked")
    CUSTOMER_TOLD_LOCKED = "customer_told_locked", _("Notice of the lock to the customer")
    COMPLETE = "complete", _("Completed")
    COMPLETE_AWAITING_CLOSURE = (
        "complete_awaiting_closure",
        _("Transferred; the closure waits for its conditions"),
    )
    CLOSE_ACCOUNT = "close_account", _("Fund account closed")
    APPROVAL_DISPUTED = "approval_disputed", _("Phone approval disputed by the approver")
    REOPEN_APPROVAL = "reopen_approval", _("Approval taken again after a dispute")
    APPROVAL_RECALLED = "approval_recalled", _("Approval recalled by the approver")
    APPROVAL_FELL = "approval_fell", _("Approval fell with an earlier step's recall")
    APPROVE_COUNTER_LEAD = (
        "approve_counter_lead",
        _by_step(_("Approved in person: {step}"), ApprovalStep.COUNTER_LEAD),
    )
    APPROVE_ACCOUNT_MANAGER = (
        "approve_account_manager",
        _by_step(_("Approved in person: {step}"), ApprovalStep.ACCOUNT_MANAGER),
    )
    APPROVE_MARKETING_DIRECTOR = (
        "approve_marketing_director",
        _by_step(_("Approved in person: {step}"), ApprovalStep.MARKETING_DIRECTOR),
    )
    APPROVE_GENERAL_MANAGER = (
        "approve_general_manager",
        _by_step(_("Approved in person: {step}"), ApprovalStep.GENERAL_MANAGER),
    )
    PHONE_APPROVE_COUNTER_LEAD = (
        "phone_approve_counter_lead",
        _by_step(_("Approved by phone: {step}"), ApprovalStep.COUNTER_LEAD),
    )
    PHONE_APPROVE_ACCOUNT_MANAGER = (
        "phone_approve_account_manager",
        _by_step(_("Approved by phone: {step}"), ApprovalStep.ACCOUNT_MANAGER),
    )
    PHONE_APPROVE_MARKETING_DIRECTOR = (
        "phone_approve_marketing_director",
        _by_step(_("Approved by phone: {step}"), ApprovalStep.MARKETING_DIRECTOR),
    )
    PHONE_APPROVE_GENERAL_MANAGER = (
        "phone_approve_general_manager",
        _by_step(_("Approved by phone: {step}"), ApprovalStep.GENERAL_MANAGER),
    )
    SIGN_OFF_COUNTER_LEAD = (
        "sign_off_counter_lead",
        _by_step(_("Written sign-off: {step}"), ApprovalStep.COUNTER_LEAD),
    )
    SIGN_OFF_ACCOUNT_MANAGER = (
        "sign_off_account_manager",
        _by_step(_("Written sign-off: {step}"), ApprovalStep.ACCOUNT_MANAGER),
    )
    SIGN_OFF_MARKETING_DIRECTOR = (
        "sign_off_marketing_director",
        _by_step(_("Written sign-off: {step}"), ApprovalStep.MARKETING_DIRECTOR),
    )
    SIGN_OFF_GENERAL_MANAGER = (
        "sign_off_general_manager",
        _by_step(_("Written sign-off: {step}"), ApprovalStep.GENERAL_MANAGER),
    )

    @classmethod
    def of_approval(cls, step: str, *, by_phone: bool) -> AuditAction:
        return cls(f"{'phone_approve' if by_phone else 'approve'}_{step}")

    @classmethod
    def of_sign_off(cls, step: str) -> AuditAction:
        return cls(f"sign_off_{step}")


class TransferAuditEntry(RequestTraced, AppendOnlyModel):
    """The request's audit trail: one row per transition, written in the transition's
    transaction. Append-only: nothing updates or deletes it, on PostgreSQL not even SQL."""

    request = models.ForeignKey(
        TransferRequest, on_delete=models.PROTECT, related_name="audit_entries"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    from_state = models.CharField(_("from"), max_length=30, choices=TransferState.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=TransferState.choices)
    comment = models.TextField(_("comment"), blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
