"""Branches, staff and customers."""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kernel.audit import AppendOnlyModel, RequestTraced
from kernel.errors import NotFound

from .masking import mask_id_number, mask_name, mask_phone
from .pii import EncryptedCharField, PiiDigestField
from .roles import Role, placement_refusal


class Tier(models.TextChoices):
    """Art. 17: three levels of approval authority."""

    ORDINARY = "ordinary", _("Ordinary")
    IMPORTANT = "important", _("Important")
    CORE = "core", _("Core")


class Branch(models.Model):
    """A branch (营业部): the unit of isolation. The rules it works by are the firm's norm as
    it refines them (accounts/norm: Art. 35–37)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")

    def __str__(self) -> str:
        return self.name


class Staff(AbstractUser):
    """A member of staff. A branch's staff belong to exactly one branch and see only it; the
    head office's (accounts/roles.HEAD_OFFICE_ROLES) belong to none and see no branch's pages
    (accounts/roles.placement_refusal)."""

    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("branch"),
    )
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    # Set for a person who signs in through the firm's directory (accounts/directory.py):
    # the directory, not this database, decides their roles, branch and whether they may
    # sign in. Empty for a local account.
    directory_dn = models.CharField(_("directory entry"), max_length=500, blank=True)
    # The number the firm's systems know the person by: the core system's customer master
    # names each customer's account manager by it.
    staff_number = models.CharField(
        _("staff number"), max_length=20, null=True, blank=True, unique=True
    )

    REQUIRED_FIELDS = ["branch"]

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        # Groups are the saved ones: a form that changes them checks the new set itself
        # (accounts/admin.StaffChangeForm), the service too (accounts/services.staff_set_roles).
        if self.pk is not None:
            refusal = placement_refusal(self.role_names, has_branch=self.branch_id is not None)
            if refusal:
                raise ValidationError({"branch": refusal})

    @property
    def branch_pk(self) -> int:
        """The branch a branch's person works at, for the pages, services and API that only
        a branch's staff reach (their role gates come first). The head office has no branch,
        so it finds no branch's record, as another branch's staff would not (kernel.errors.
        require_same_branch)."""
        if self.branch_id is None:
            raise NotFound(gettext("Not found."))
        return self.branch_id

    @property
    def own_branch(self) -> Branch:
        """The branch itself, on the same terms as branch_pk."""
        if self.branch is None:
            raise NotFound(gettext("Not found."))
        return self.branch

    @cached_property
    def role_names(self) -> frozenset[str]:
        # A list of staff that prefetched their groups names each one's roles without a query.
        if "groups" in getattr(self, "_prefetched_objects_cache", {}):
            return frozenset(group.name for group in self.groups.all())
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: Role | str) -> bool:
        return any(str(role) in self.role_names for role in roles)

    @property
    def roles_display(self) -> str:
        return "、".join(str(Role(r).label) for r in sorted(self.role_names) if r in Role.values)


class CustomerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    INSTITUTION = "institution", _("Institution")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAU_TAIWAN = "hmt_permit", _("Hong Kong/Macau/Taiwan residence permit")
    CREDIT_CODE = "credit_code", _("Unified social credit code")


class OpenedVia(models.TextChoices):
    """CSDC 2018: an account opened remotely must be closable remotely."""

    COUNTER = "counter", _("At the counter")
    REMOTE = "remote", _("Remotely")


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("state of an account", "Active")
    CLOSED = "closed", pgettext_lazy("state of an account", "Closed")


class CustomerQuerySet(models.QuerySet["Customer"]):
    def for_branch(self, branch: Branch) -> CustomerQuerySet:
        return self.filter(branch=branch)


class Customer(models.Model):
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="customers", verbose_name=_("branch")
    )
    kind = models.CharField(
        _("customer type"),
        max_length=20,
        choices=CustomerKind.choices,
        default=CustomerKind.INDIVIDUAL,
    )
    name = models.CharField(_("name"), max_length=100)
    id_type = models.CharField(
        _("identity document type"),
        max_length=20,
        choices=IdType.choices,
        default=IdType.RESIDENT_ID,
    )
    # PIPL Art. 28, 51: stored encrypted, found through the keyed hashes below (accounts/pii.py).
    id_number = EncryptedCharField(_("identity document number"), max_length=40)
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True)
    id_number_digest = PiiDigestField(source="id_number", kind="id_number")
    phone_digest = PiiDigestField(source="phone", kind="phone")
    fund_account = models.CharField(_("fund account"), max_length=20, unique=True)
    sh_account = models.CharField(_("Shanghai securities account"), max_length=20, blank=True)
    sh_designated_here = models.BooleanField(
        _("Shanghai designated trading at this branch"), default=False
    )
    sz_account = models.CharField(_("Shenzhen securities account"), max_length=20, blank=True)
    sz_custody_seat = models.CharField(_("Shenzhen custody seat"), max_length=10, blank=True)
    opened_via = models.CharField(
        _("account opened"), max_length=10, choices=OpenedVia.choices, default=OpenedVia.COUNTER
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    status = models.CharField(
        _("account status"),
        max_length=10,
        choices=CustomerStatus.choices,
        default=CustomerStatus.ACTIVE,
    )
    account_manager = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_customers",
        verbose_name=_("account manager"),
    )
    assets = models.DecimalField(_("assets"), max_digits=16, decimal_places=2, default=Decimal(0))
    annual_volume = models.DecimalField(
        _("annual trading volume"), max_digits=18, decimal_places=2, default=Decimal(0)
    )
    tier_override = models.CharField(
        _("tier set by hand"), max_length=20, choices=Tier.choices, blank=True
    )
    tier_override_reason = models.CharField(
        _("why the tier was set by hand"), max_length=200, blank=True
    )
    tier_override_by = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier set by"),
    )
    tier_override_at = models.DateTimeField(_("tier set at"), null=True, blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["branch", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier_override="") | ~models.Q(tier_override_reason=""),
                name="customer_tier_override_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.masked_name} ({self.fund_account})"

    @property
    def is_institution(self) -> bool:
        return self.kind == CustomerKind.INSTITUTION

    @property
    def computed_tier(self) -> Tier:
        return tier_of(
            branch_id=self.branch_id,
            tier_override="",
            assets=self.assets,
            volume=self.annual_volume,
        )

    @property
    def tier(self) -> Tier:
        return tier_of(
            branch_id=self.branch_id,
            tier_override=self.tier_override,
            assets=self.assets,
            volume=self.annual_volume,
        )

    @property
    def approval_tier(self) -> Tier:
        """Art. 10, 17: institutions are approved like core customers."""
        return Tier.CORE if self.is_institution else self.tier

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        # An institution's name is not personal information; a person's is.
        return self.name if self.is_institution else mask_name(self.name)


def tier_of(*, branch_id: int, tier_override: str, assets: Decimal, volume: Decimal) -> Tier:
    """Art. 17: the tier that applies — the one set by hand, else the branch's rules on the
    figures. `Customer.tier`, and the readers that fetch these values instead of the row."""
    if tier_override:
        return Tier(tier_override)
    from .norm.resolve import rule_set

    return rule_set(branch_id).tier_for(assets=assets, volume=volume)


class TierCause(models.TextChoices):
    IMPORT = "import", _("Figures imported from the core system")
    OVERRIDE = "override", _("Set by hand")


class TierChange(AppendOnlyModel):
    """Art. 17: why a customer is in the tier they are in — each change of the tier that
    applies, with its cause (the imported figures or a hand-set tier) and the figures then.
    Append-only, in PostgreSQL too."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="tier_changes", verbose_name=_("customer")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    from_tier = models.CharField(_("from"), max_length=20, choices=Tier.choices, blank=True)
    to_tier = models.CharField(_("to"), max_length=20, choices=Tier.choices)
    cause = models.CharField(_("cause"), max_length=10, choices=TierCause.choices)
    assets = models.DecimalField(_("assets"), max_digits=16, decimal_places=2)
    annual_volume = models.DecimalField(_("annual trading volume"), max_digits=18, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    source_ref = models.CharField(_("source"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier history")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_tier or '-'} → {self.to_tier} ({self.cause})"


class ManagerChangeCause(models.TextChoices):
    IMPORT = "import", _("Customer master from the core system")


class ManagerChange(AppendOnlyModel):
    """A customer given to another account manager: who held them, who holds them now, when,
    on whose action and why (the core system's customer master, or an Art. 28 departure).
    Append-only, in PostgreSQL too."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="manager_changes",
        verbose_name=_("customer"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    from_manager = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous account manager"),
    )
    to_manager = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new account manager"),
    )
    cause = models.CharField(_("cause"), max_length=10, choices=ManagerChangeCause.choices)
    actor = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    source_ref = models.CharField(_("source"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("account-manager change")
        verbose_name_plural = _("account-manager changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_manager_id} → {self.to_manager_id}"


class AccessChannel(models.TextChoices):
    PAGE = "page", _("Customer page")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")


class RevealedField(models.TextChoices):
    """What a look at a customer showed in full; everything else was masked."""

    NONE = "none", _("nothing in full")
    NAME = "name", _("full name")
    PHONE = "phone", _("phone")
    IDENTITY = "identity", _("name, identity number and phone")
    RECORD = "record", _("every personal field")


class AccessPurpose(models.TextChoices):
    """Why a personal field was shown in full (PIPL Art. 6: no more than the purpose needs).
    Who may ask for which is accounts/permissions.may_reveal."""

    VERIFY_IDENTITY = "verify_identity", _("verify identity at the counter")
    REVISIT_CALL = "revisit_call", _("revisit call")
    RETENTION_CALL = "retention_call", _("retention call")
    WORK_MEMO = "work_memo", _("work memo follow-up")
    CORRECT_RECORD = "correct_record", _("correct the customer record")


# What an account manager may give as the reason to see a phone in full (Art. 28, 31).
CALL_PURPOSES = (AccessPurpose.REVISIT_CALL, AccessPurpose.RETENTION_CALL)


class CustomerAccessLog(RequestTraced, AppendOnlyModel):
    """PIPL Art. 51, JR/T 0060: every look at a customer — who, when, which customer, from
    where, through what, which field was shown in full and why. Append-only, in PostgreSQL
    too. Rows written before fields and purposes were recorded have both blank."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    actor = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("seen by")
    )
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("seen at"), auto_now_add=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    channel = models.CharField(_("through"), max_length=10, choices=AccessChannel.choices)
    field = models.CharField(
        _("shown in full"), max_length=10, choices=RevealedField.choices, blank=True
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=AccessPurpose.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("customer access")
        verbose_name_plural = _("customer access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["customer", "at"])]

    def __str__(self) -> str:
        return f"{self.actor} → {self.customer} ({self.at:%Y-%m-%d %H:%M})"


# The firm's norm and the branches' refinements live beside the branches they rule.
from .norm.models import (  # noqa: E402, F401
    NormVersion,
    Refinement,
    RefinementAction,
    RefinementAuditEntry,
    RefinementState,
)
