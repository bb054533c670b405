"""The core system's account states as loaded from its daily export."""

from __future__ import annotations

from django.contrib import admin

from accounts.admin_mixins import BranchScopedAdmin, PiiSearchAdminMixin, ReadOnlyAdmin
from core_system.models import CoreAccountState, CustomerImport


@admin.register(CoreAccountState)
class CoreAccountStateAdmin(PiiSearchAdminMixin, BranchScopedAdmin):
    branch_lookup = "customer__branch"
    list_display = (
        "customer",
        "as_of",
        "last_order_date",
        "open_bond_repo",
        "repo_registration_open",
        "ipo_funds_frozen",
        "sz_holdings_in_custody",
        "interest_settled",
        "cash_balance",
    )
    list_filter = (
        "as_of",
        "open_bond_repo",
        "repo_registration_open",
        "ipo_funds_frozen",
        "interest_settled",
    )
    search_fields = ("=customer__fund_account",)  # the identity number: PiiSearchAdminMixin
    list_select_related = ("customer", "customer__branch")
    autocomplete_fields = ("customer",)
    # The stand-in for the core system's password check is never shown or typed here.
    exclude = ("trading_password_hash",)


@admin.register(CustomerImport)
class CustomerImportAdmin(ReadOnlyAdmin):
    """What each export's preview found and whether it was applied; written only by the
    services (core_system/staging.py), never here."""

    branch_lookup = "branch"
    list_display = (
        "created_at",
        "filename",
        "full",
        "state",
        "rows",
        "new",
        "changed",
        "unchanged",
        "absent",
        "bad",
        "created_by",
        "applied_at",
    )
    list_filter = ("state", "full")
    list_select_related = ("branch", "created_by")
    exclude = ("report",)
    readonly_fields = ("digest", "staged_until")
