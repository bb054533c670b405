"""The transfer/close request (转销户) and what hangs off it: document checks, approvals,
appointments, the audit trail, fees and receipt numbers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Branch, Customer, CustomerKind
from accounts.pii import EncryptedCharField, PiiDigestField
from kernel.audit import AppendOnlyModel
from kernel.workflow import Condition


class ChurnReason(models.Model):
    """Why a customer leaves (Art. 8, 20–28): the taxonomy the request records at the counter
    and retention's playbooks, memos and analysis follow."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    article = models.PositiveSmallIntegerField(_("article"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        db_table = "retention_churnreason"  # kept from when retention held it
        verbose_name = _("churn reason")
        verbose_name_plural = _("churn reasons")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class TransferState(models.TextChoices):
    RECEIVED = "received", _("Received")
    DOCUMENTS_VERIFIED = "documents_verified", _("Documents verified")
    RETENTION = "retention", _("Reason recorded, retention talk")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    BLOCKED = "blocked", _("Blocked")
    PROCESSING = "processing", _("Processing")
    PASSWORD_LOCKED = "password_locked", _("Locked after wrong passwords")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Customer stays (withdrawn)")
    DEFERRED = "deferred", _("Deferred")
    REFUSED = "refused", _("Refused")


S = TransferState
ENDED_STATES = frozenset({S.COMPLETED, S.WITHDRAWN, S.REFUSED})
# States in which the customer is waiting on the branch: the clock of their rights runs.
RUNNING_STATES = frozenset(set(S) - ENDED_STATES - {S.DEFERRED})


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Identity document")
    SECURITIES_CARD = "securities_card", _("Securities account card(s)")
    FUND_CARD = "fund_card", _("Fund account card")
    LEGAL_PERSON_AUTHORISATION = "legal_person_auth", _("Legal-person authorisation letter")
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    AGENT_IDENTITY = "agent_identity", _("Agent's identity document")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")


def required_documents(*, customer_kind: str, by_agent: bool) -> list[DocumentKind]:
    """Art. 4, 8(2): the "three certificates"; institutions add the legal-person
    authorisation and licence; an agent brings their own identity and a power of attorney."""
    kinds = [DocumentKind.IDENTITY, DocumentKind.SECURITIES_CARD, DocumentKind.FUND_CARD]
    if customer_kind == CustomerKind.INSTITUTION:
        kinds += [DocumentKind.LEGAL_PERSON_AUTHORISATION, DocumentKind.BUSINESS_LICENCE]
    if by_agent:
        kinds += [DocumentKind.AGENT_IDENTITY, DocumentKind.POWER_OF_ATTORNEY]
    return kinds


class RetainedDocument(models.TextChoices):
    """Art. 13: what the branch keeps."""

    FORM_ORIGINAL = "form_original", _("Original business form")
    IDENTITY_COPY = "identity_copy", _("Copy of the customer's or agent's identity document")
    AUTHORISATION_COPY = "authorisation_copy", _("Copy of the legal-person authorisation")


# The transitions' `permission=` ask transfers/permissions.py, imported when a transition is
# checked: the predicates read these models.
def _is_counter(instance: Any, user: Any) -> bool:
    from . import permissions

    return user.branch_id == instance.branch_id and permissions.works_counter(user)


def _is_counter_lead(instance: Any, user: Any) -> bool:
    from . import permissions

    return user.branch_id == instance.branch_id and permissions.leads_counter(user)


def _is_approver(instance: Any, user: Any) -> bool:
    from . import permissions

    return user.branch_id == instance.branch_id and permissions.is_approver(user)


def _nobody(instance: Any, user: Any) -> bool:
    """Transitions the services take on their own after checking (approval completes,
    blocking found, password locked): no person may call them directly."""
    return False


# Conditions read rows the services have already written; the services hold the rules and
# raise the readable message, these keep the transition table honest on its own.
def _documents_present(req: Any) -> bool:
    needed = set(required_documents(customer_kind=req.customer.kind, by_agent=req.by_agent))
    return needed <= set(req.document_checks.values_list("kind", flat=True))


# Art. 4: without the documents the request cannot go on.
_documents_complete = Condition(
    _documents_present,
    unmet=_("Not every required document has been checked (Art. 4)."),
    code="documents_missing",
)
# Art. 8: the reason is asked before the retention talk.
_has_primary_reason = Condition(
    lambda req: req.primary_reason_id is not None,
    unmet=_("Record why the customer is leaving first (Art. 8)."),
)
# Conduct quiz Q2, Q3: the customer confirms with their own password before completion.
_password_confirmed = Condition(
    lambda req: req.password_confirmed_at is not None,
    unmet=_("The customer has not confirmed with their password yet."),
    code="password_needed",
)


class TransferRequestQuerySet(models.QuerySet["TransferRequest"]):
    def for_branch(self, branch: Branch) -> TransferRequestQuerySet:
        return self.filter(branch=branch)


class TransferRequest(FSMModelMixin, models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="transfer_requests")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="transfer_requests",
        verbose_name=_("customer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    # What the customer asks for, alone or together.
    wants_sz_transfer = models.BooleanField(_("Shenzhen custody transfer"), default=False)
    sz_receiving_broker = models.CharField(_("receiving broker"), max_length=100, blank=True)
    sz_receiving_seat = models.CharField(_("receiving seat"), max_length=20, blank=True)
    wants_sh_revocation = models.BooleanField(
        _("Shanghai designated-trading revocation"), default=False
    )
    wants_closure = models.BooleanField(_("fund-account closure"), default=False)

    by_agent = models.BooleanField(_("by an authorised agent"), default=False)
    agent_name = models.CharField(_("agent's name"), max_length=100, blank=True)
    # PIPL Art. 28, 51: encrypted at rest like the customer's own number (accounts/pii.py).
    agent_id_number = EncryptedCharField(_("agent's identity number"), max_length=40, blank=True)
    agent_id_number_digest = PiiDigestField(source="agent_id_number", kind="id_number")

    state = FSMField(
        _("state"), default=TransferState.RECEIVED, choices=TransferState.choices, protected=True
    )

    # Art. 8(3): why. The retention app owns the taxonomy and, later, the playbooks.
    primary_reason = models.ForeignKey(
        ChurnReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary reason"),
    )
    other_reasons = models.ManyToManyField(
        ChurnReason, blank=True, related_name="+", verbose_name=_("other reasons")
    )
    reason_note = models.TextField(_("what the customer said"), blank=True)

    appointment = models.OneToOneField(
        "Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfer_request",
        verbose_name=_("appointment"),
    )
    approval_round = models.PositiveSmallIntegerField(default=1)
    due_on = models.DateField(_("must be done by"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    refusal_reason = models.CharField(_("why refused"), max_length=300, blank=True)

    blocking_conditions = models.JSONField(_("blocking conditions found"), default=list, blank=True)
    blocking_checked_at = models.DateTimeField(
        _("blocking conditions checked at"), null=True, blank=True
    )

    password_failures = models.PositiveSmallIntegerField(default=0)
    password_confirmed_at = models.DateTimeField(null=True, blank=True)

    fee_amount = models.DecimalField(
        _("fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    receipt_number = models.CharField(
        _("receipt number"), max_length=30, unique=True, null=True, blank=True
    )
    retained_documents = models.JSONField(_("documents retained"), default=list, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("processed by"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = TransferRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["branch", "state"]),
            # The request list's newest-first page: without it PostgreSQL joins every
            # customer before sorting (EXPLAIN in docs/PERFORMANCE.md).
            models.Index(fields=["branch", "-created_at"], name="transfer_branch_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wants_sz_transfer=True)
                | models.Q(wants_sh_revocation=True)
                | models.Q(wants_closure=True),
                name="transfer_asks_for_something",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer}"

    @property
    def is_ended(self) -> bool:
        return self.state in ENDED_STATES

    @property
    def items_display(self) -> list[str]:
        items = []
        if self.wants_sz_transfer:
            items.append(str(_("Shenzhen custody transfer")))
        if self.wants_sh_revocation:
            items.append(str(_("Shanghai designated-trading revocation")))
        if self.wants_closure:
            items.append(str(_("fund-account closure")))
        return items

    @transition(
        field=state,
        source=S.RECEIVED,
        target=S.DOCUMENTS_VERIFIED,
        conditions=[_documents_complete],
        permission=_is_counter,
    )
    def verify_documents(self) -> None:
        pass

    @transition(
        field=state,
        source=[S.RECEIVED, S.DOCUMENTS_VERIFIED],
        target=S.REFUSED,
        permission=_is_counter,
    )
    def refuse(self) -> None:
        pass

    @transition(
        field=state,
        source=S.DOCUMENTS_VERIFIED,
        target=S.RETENTION,
        conditions=[_has_primary_reason],
        permission=_is_counter,
    )
    def record_reason(self) -> None:
        pass

    @transition(field=state, source=S.RETENTION, target=S.AWAITING_APPROVAL, permission=_is_counter)
    def go_on(self) -> None:
        pass

    @transition(
        field=state,
        source=[
            S.RECEIVED,
            S.DOCUMENTS_VERIFIED,
            S.RETENTION,
            S.AWAITING_APPROVAL,
            S.APPROVED,
            S.BLOCKED,
            S.DEFERRED,
        ],
        target=S.WITHDRAWN,
        permission=_is_counter,
    )
    def customer_stays(self) -> None:
        pass

    @transition(
        field=state,
        source=[S.RETENTION, S.AWAITING_APPROVAL, S.APPROVED, S.BLOCKED],
        target=S.DEFERRED,
        permission=_is_counter,
    )
    def defer(self) -> None:
        pass

    @transition(field=state, source=S.DEFERRED, target=S.AWAITING_APPROVAL, permission=_is_counter)
    def resume(self) -> None:
        pass

    @transition(
        field=state, source=S.AWAITING_APPROVAL, target=S.RETENTION, permission=_is_approver
    )
    def send_back(self) -> None:
        pass

    @transition(
        field=state, source=[S.AWAITING_APPROVAL, S.BLOCKED], target=S.APPROVED, permission=_nobody
    )
    def clear(self) -> None:
        pass

    @transition(
        field=state,
        source=[S.AWAITING_APPROVAL, S.APPROVED, S.BLOCKED],
        target=S.BLOCKED,
        permission=_nobody,
    )
    def block(self) -> None:
        pass

    @transition(field=state, source=S.APPROVED, target=S.PROCESSING, permission=_is_counter)
    def start_processing(self) -> None:
        pass

    @transition(field=state, source=S.PROCESSING, target=S.PASSWORD_LOCKED, permission=_nobody)
    def lock_password(self) -> None:
        pass

    @transition(
        field=state, source=S.PASSWORD_LOCKED, target=S.PROCESSING, permission=_is_counter_lead
    )
    def unlock_password(self) -> None:
        pass

    @transition(
        field=state,
        source=S.PROCESSING,
        target=S.COMPLETED,
        conditions=[_password_confirmed],
        permission=_is_counter,
    )
    def complete(self) -> None:
        pass


class DocumentCheck(models.Model):
    request = models.ForeignKey(
        TransferRequest, on_delete=models.CASCADE, related_name="document_checks"
    )
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document check")
        verbose_name_plural = _("document checks")
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="document_checked_once")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ApprovalStep(models.TextChoices):
    COUNTER_LEAD = "counter_lead", _("Counter lead")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    MARKETING_DIRECTOR = "marketing_director", _("Marketing director")
    GENERAL_MANAGER = "general_manager", _("General manager")


class ApprovalMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone, written sign-off to follow")


class Approval(models.Model):
    """One approver's yes (Art. 9, 10, 17). Rows are never changed, except that a phone
    approval is later signed off in writing (补签)."""

    request = models.ForeignKey(TransferRequest, on_delete=models.PROTECT, related_name="approvals")
    round = models.PositiveSmallIntegerField(default=1)
    step = models.CharField(_("step"), max_length=30, choices=ApprovalStep.choices)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approvals",
        verbose_name=_("approver"),
    )
    mode = models.CharField(
        _("how"), max_length=20, choices=ApprovalMode.choices, default=ApprovalMode.IN_PERSON
    )
    approved_at = models.DateTimeField(_("approved at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    sign_off_due_on = models.DateField(_("written sign-off due"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["approved_at"]
        constraints = [
            # A race between two approvers of one step: the database lets one win.
            models.UniqueConstraint(fields=["request", "round", "step"], name="approval_step_once"),
            models.UniqueConstraint(fields=["request", "round", "approver"], name="approver_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.approver}"

    @property
    def is_by_phone(self) -> bool:
        return self.mode == ApprovalMode.PHONE

    @property
    def awaiting_sign_off(self) -> bool:
        return self.is_by_phone and self.signed_off_at is None


class Appointment(models.Model):
    """Art. 18: institution and core customers book a day ahead with the marketing director
    or general manager, who use the time to learn why and try to keep them."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="appointments")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("with")
    )
    booked_on = models.DateField(_("booked on"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("what was learned"), blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-booked_on"]

    def __str__(self) -> str:
        return f"{self.customer} / {self.host} / {self.booked_on}"


def _by_step(text: Any, step: ApprovalStep) -> Any:
    return format_lazy(text, step=step.label)


class AuditAction(models.TextChoices):
    """What a request's audit row says happened: the stable code stored, the name people
    read, labelled once here. The transitions' names are their codes."""

    CREATE = "create", _("Request received")
    VERIFY_DOCUMENTS = "verify_documents", _("Documents verified")
    REFUSE = "refuse", _("Refused")
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
    COMPLETE = "complete", _("Completed")
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


class TransferAuditEntry(AppendOnlyModel):
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


class FeeItem(models.TextChoices):
    SZ_TRANSFER = "sz_transfer", _("Shenzhen custody transfer")
    SH_REVOCATION = "sh_revocation", _("Shanghai designated-trading revocation")
    CLOSURE = "closure", _("fund-account closure")


class FeeSchedule(models.Model):
    """The branch's fees (Art. 12). Closing an account is free by regulation."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="fees")
    item = models.CharField(_("item"), max_length=20, choices=FeeItem.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fee schedule")
        constraints = [
            models.UniqueConstraint(fields=["branch", "item"], name="one_fee_per_item"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fee_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(item="closure") | models.Q(amount=0), name="closure_is_free"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.amount}"


class ReceiptCounter(models.Model):
    """Receipt numbers run without gaps per branch per year: the counter row is locked and
    advanced in the transaction that completes the request, so a rollback leaves no hole."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.branch_id}/{self.year}: {self.last_number}"


# The approvers' desk is four lists over two tables; each list is a proxy model so that it
# has its own page, permission and actions in the admin. (Proxies change no table; their
# migration only records them.)
class ApprovalQueueItem(TransferRequest):
    class Meta:
        proxy = True
        verbose_name = _("request awaiting my approval")
        verbose_name_plural = _("approvals queue")


class PendingSignOff(Approval):
    class Meta:
        proxy = True
        verbose_name = _("phone approval to sign off")
        verbose_name_plural = _("my phone approvals to sign off (补签)")


class OverdueSignOff(Approval):
    class Meta:
        proxy = True
        verbose_name = _("overdue sign-off")
        verbose_name_plural = _("overdue sign-offs")


class LateRequest(TransferRequest):
    class Meta:
        proxy = True
        verbose_name = _("late request")
        verbose_name_plural = _("late requests")


class ClosureCandidate(models.Model):
    """Art. 19: a fund account the sweep of `business_date` found ready to close — nothing
    ties it to the branch any more and no request is open. The counter lead works the list
    of the latest sweep."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.CASCADE,
        related_name="closure_candidacies",
        verbose_name=_("customer"),
    )
    business_date = models.DateField(_("found on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "revisits_closurecandidate"  # kept from when revisits held it
        verbose_name = _("account ready to close")
        verbose_name_plural = _("accounts ready to close")
        ordering = ["-business_date", "customer__fund_account"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "business_date"], name="closure_candidate_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer} @ {self.business_date}"
