"""What the core trading system says of an account, as its daily export loads it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoreAccountState(models.Model):
    """One customer's state in the core trading system, as loaded from its daily export
    (`manage.py import_core_export`) or edited in the admin. Read only through the core-system
    adapter, so another source can replace it."""

    customer = models.OneToOneField(
        "accounts.Customer", on_delete=models.CASCADE, related_name="core_state"
    )
    as_of = models.DateField(_("as of"))
    last_order_date = models.DateField(_("last order date"), null=True, blank=True)
    open_bond_repo = models.BooleanField(_("bond repo not matured"), default=False)
    repo_registration_open = models.BooleanField(_("repo registration not revoked"), default=False)
    ipo_funds_frozen = models.BooleanField(_("IPO subscription funds frozen"), default=False)
    unfulfilled_agreement = models.CharField(
        _("agreement with the branch not fulfilled"), max_length=200, blank=True
    )
    clearing_house_hold = models.CharField(
        _("hold declared by the clearing house"), max_length=200, blank=True
    )
    sz_holdings_in_custody = models.BooleanField(
        _("Shenzhen holdings in custody here"), default=True
    )
    interest_settled = models.BooleanField(_("interest settled"), default=False)
    cash_balance = models.DecimalField(
        _("cash balance"), max_digits=16, decimal_places=2, default=0
    )
    # Stands in for the core system's own password check; a salted hash, never the password.
    trading_password_hash = models.CharField(max_length=128, blank=True)

    class Meta:
        db_table = "branch_ops_coreaccountstate"  # kept from when the kernel held it
        verbose_name = _("core-system account state")
        verbose_name_plural = _("core-system account states")

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.as_of}"
