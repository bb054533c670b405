"""The transfer/close request (转销户) and its state machine, the documents the counter
checks (Art. 8, 13) and the conditions of each step."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Branch, Customer, CustomerKind
from accounts.pii import EncryptedCharField, PiiDigestField
from accounts.validators import PERSONAL_ID_TYPES
from kernel.workflow import NOBODY, Condition, asks

from .reasons import ChurnReason


class TransferState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("request state", "Received")
    DOCUMENTS_VERIFIED = "documents_verified", _("Documents verified")
    RETENTION = "retention", _("Reason recorded, retention talk")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    BLOCKED = "blocked", _("Blocked")
    PROCESSING = "processing", _("Processing")
    PASSWORD_LOCKED = "password_locked", _("Locked after wrong passwords")
    COMPLETED = "completed", _("Completed")
    # Art. 19: the custody transfer and the revocation are done; the fund account closes once
    # the core system shows nothing ties it to the branch any more.
    CLOSURE_PENDING = "closure_pending", _("Transferred; closure waits for the conditions")
    WITHDRAWN = "withdrawn", _("Customer stays (withdrawn)")
    DEFERRED = "deferred", _("Deferred")
    REFUSED = "refused", pgettext_lazy("request state", "Refused")


S = TransferState
ENDED_STATES = frozenset({S.COMPLETED, S.WITHDRAWN, S.REFUSED})
# The customer's business has left the branch: the transfer part is done (revisits follow).
LEFT_STATES = frozenset({S.COMPLETED, S.CLOSURE_PENDING})
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


# The transitions ask transfers/permissions.py who may take them; the services' own steps
# (approval completes, blocking found, password locked) no person may take directly.
_is_counter = asks("transfers.permissions.works_counter_of")
_is_approver = asks("transfers.permissions.approves_in")
# Art. 11 and the conduct rules (Q2, Q3): lifting the password limit takes a second person
# above the counter, so the counter that typed cannot also reopen the keypad for itself.
_unlocks_password = asks(
    "transfers.permissions.unlocks_password_of",
    refused=_(
        "Only the branch's marketing director unlocks a request locked after wrong passwords."
    ),
)
_recalls_approval = asks(
    "transfers.permissions.may_recall_approval",
    refused=_("Only an approver who has approved this round recalls their approval."),
)
_nobody = NOBODY

# How often a locked request may be unlocked in its life: after that it can only be ended.
MAX_PASSWORD_UNLOCKS = 2


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


def password_unlocks(req: Any) -> int:
    """How often this request has been unlocked after wrong passwords (its trail counts;
    the one the request page prefetched, else the database's)."""
    trail = prefetched_trail(req)
    if trail is not None:
        return sum(1 for entry in trail if entry.action == "unlock_password")
    return int(req.audit_entries.filter(action="unlock_password").count())


def prefetched_trail(req: Any) -> Any:
    """The request's audit trail when a page read it with the request, else None."""
    return getattr(req, "_prefetched_objects_cache", {}).get("audit_entries")


_unlocks_left = Condition(
    lambda req: password_unlocks(req) < MAX_PASSWORD_UNLOCKS,
    unmet=_(
        "This request has already been unlocked twice after wrong passwords and cannot be "
        "unlocked again. Refuse it; the customer may apply again once the trading password "
        "has been reset with their identity checked."
    ),
    code="unlock_limit",  # TransferErrorCode.UNLOCK_LIMIT
)


def _closure_unmet(req: Any) -> list[Any]:
    from ..closure import closure_conditions_unmet

    return closure_conditions_unmet(req)


# Art. 19: the account closes only once the core system shows nothing ties it to the branch.
_closure_conditions_met = Condition(
    lambda req: not _closure_unmet(req),
    unmet=_("The core system does not show every closure condition met yet (Art. 19)."),
    code="closure_conditions",
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
    # Blank on requests without an agent, and on those received before the type was asked.
    agent_id_type = models.CharField(
        _("agent's identity document"),
        max_length=20,
        choices=[(t.value, t.label) for t in PERSONAL_ID_TYPES],
        blank=True,
    )
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
    # The closure part (Art. 19): the day its related business was wound up (the core system
    # shows every condition met), and the two trading days from then (CSRC Order 204; CSDC
    # 2018) within which the account is closed.
    closure_ready_on = models.DateField(_("closure conditions met on"), null=True, blank=True)
    closure_due_on = models.DateField(_("closure due by"), null=True, blank=True)
    account_closed_at = models.DateTimeField(_("fund account closed at"), null=True, blank=True)

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
    def clock_due_on(self) -> Any:
        """The day the running clock ends: the customer's two trading days from applying,
        or, while the closure waits, two from the day its conditions were met (none until
        then: the closure is not late while the custody is still on its way)."""
        if self.state == S.CLOSURE_PENDING:
            return self.closure_due_on
        return self.due_on

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
        # A request locked after wrong passwords may always be ended instead of unlocked.
        source=[S.RECEIVED, S.DOCUMENTS_VERIFIED, S.PASSWORD_LOCKED],
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

    # Art. 17: a phone approval its approver disputes never counted; until the customer's
    # business is done, the approval round is taken again (the later steps were given on it).
    @transition(
        field=state,
        source=[S.AWAITING_APPROVAL, S.APPROVED, S.BLOCKED, S.PROCESSING, S.PASSWORD_LOCKED],
        target=S.AWAITING_APPROVAL,
        permission=_nobody,
    )
    def reopen_approval(self) -> None:
        pass

    # An approver takes their approval back before processing starts: the request waits for
    # that step again (services/recall.py says who, and which later steps fall with it).
    @transition(
        field=state,
        source=[S.AWAITING_APPROVAL, S.APPROVED, S.BLOCKED],
        target=S.AWAITING_APPROVAL,
        permission=_recalls_approval,
    )
    def recall_approval(self) -> None:
        pass

    @transition(field=state, source=S.APPROVED, target=S.PROCESSING, permission=_is_counter)
    def start_processing(self) -> None:
        pass

    @transition(field=state, source=S.PROCESSING, target=S.PASSWORD_LOCKED, permission=_nobody)
    def lock_password(self) -> None:
        pass

    @transition(
        field=state,
        source=S.PASSWORD_LOCKED,
        target=S.PROCESSING,
        conditions=[_unlocks_left],
        permission=_unlocks_password,
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

    @transition(
        field=state,
        source=S.PROCESSING,
        target=S.CLOSURE_PENDING,
        conditions=[_password_confirmed],
        permission=_is_counter,
    )
    def complete_awaiting_closure(self) -> None:
        pass

    @transition(
        field=state,
        source=S.CLOSURE_PENDING,
        target=S.COMPLETED,
        conditions=[_closure_conditions_met],
        permission=_is_counter,
    )
    def close_account(self) -> None:
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
