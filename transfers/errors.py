"""The stable codes of the transfer request's refusals (kernel.errors says what kind each is)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransferErrorCode(models.TextChoices):
    ALREADY_APPROVED = "already_approved", _("this step is already approved")
    ALREADY_SIGNED = "already_signed", _("the written sign-off is already given")
    APPOINTMENT_REQUIRED = (
        "appointment_required",
        _("the customer must book an appointment first (Art. 18)"),
    )
    APPROVER_INACTIVE = "approver_inactive", _("the approver's account is not active")
    COMMENT_NEEDED = "comment_needed", _("a comment is required")
    CLOSURE_CONDITIONS = "closure_conditions", _("the fund account cannot be closed yet (Art. 19)")
    DISPUTED = "disputed", _("the approver has disputed this phone approval")
    DOCUMENTS_MISSING = "documents_missing", _("documents are missing (Art. 4)")
    DUPLICATE = "duplicate", _("this is already recorded")
    NEEDED_LATER = (
        "needed_later",
        _("this person's approval is kept for a later step nobody else can give"),
    )
    NO_ACCOUNT_MANAGER = "no_account_manager", _("the customer has no account manager")
    NO_APPROVER = "no_approver", _("nobody in the branch can approve a step of this request")
    NOTHING_TO_RECALL = (
        "nothing_to_recall",
        _("this person has no approval of the current round to recall"),
    )
    NOT_IN_ROUTE = "not_in_route", _("this person is not on the approval route")
    NOT_THEIRS = "not_theirs", _("the customer is not this account manager's")
    NOT_YET = "not_yet", _("an earlier step is not approved yet (Art. 9, 10, 17)")
    OWN_WRONG_TRIES = (
        "own_wrong_tries",
        _("whoever was at the keypad for a wrong password does not unlock it"),
    )
    PASSWORD_LOCKED = "password_locked", _("the customer password is locked after wrong attempts")
    PASSWORD_NEEDED = "password_needed", _("the customer has not confirmed with their password")
    RETAINED_MISSING = "retained_missing", _("copies to keep are missing (Art. 13)")
    SELF_APPROVAL = "self_approval", _("one cannot approve a request one received")
    UNLOCK_LIMIT = "unlock_limit", _("the request has been unlocked as often as allowed")
    WITHDRAWN = "withdrawn", _("the approval has been recalled")
    WRONG_PASSWORD = "wrong_password", _("the customer password is wrong")
