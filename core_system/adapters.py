"""The adapter to the core trading system.

Transfers ask it which Art. 16 blocking conditions hold for a customer, what still ties a
fund account to the branch before it may close (Art. 19; for a whole page of requests in one
call, so a list never asks a live system once per row), and whether the password the
customer typed is right. The default implementation reads
CoreAccountState, loaded from the core system's daily export; settings.CORE_SYSTEM_ADAPTER
names another class with the same methods to talk to a live system instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from accounts.models import Customer


@dataclass(frozen=True)
class Condition:
    """One reason the business cannot go on, in plain words."""

    code: str
    message: str


@dataclass(frozen=True)
class ClosureAsk:
    """One account's closure question: a revocation or a transfer the same request makes
    counts as done."""

    customer: Customer
    revoking_sh: bool
    transferring_sz: bool


class CoreSystem(Protocol):
    def blocking_conditions(self, customer: Customer, *, on: dt.date) -> list[Condition]: ...

    def closure_conditions_missing(
        self, customer: Customer, *, revoking_sh: bool, transferring_sz: bool
    ) -> list[Condition]: ...

    def closure_conditions_missing_many(
        self, asks: Sequence[ClosureAsk]
    ) -> list[list[Condition]]: ...

    def verify_trading_password(self, customer: Customer, password: str) -> bool: ...


class DailyExportCoreSystem:
    """Reads the core system's daily export from our own tables."""

    def _state(self, customer: Customer):  # type: ignore[no-untyped-def]
        from core_system.models import CoreAccountState

        return CoreAccountState.objects.filter(customer=customer).first()

    def blocking_conditions(self, customer: Customer, *, on: dt.date) -> list[Condition]:
        state = self._state(customer)
        if state is None:
            return [
                Condition(
                    "no_core_data",
                    _("The core system has no data for this account: load today's export."),
                )
            ]
        held: list[Condition] = []
        # Art. 16(1): any order today, filled or not.
        if state.last_order_date == on:
            held.append(Condition("orders_today", _("Orders were placed today (filled or not).")))
        # Art. 16(2)
        if state.open_bond_repo:
            held.append(Condition("bond_repo_open", _("A bond repo has not matured yet.")))
        # Art. 16(3)
        if state.repo_registration_open:
            held.append(
                Condition("repo_registration", _("A bond repo registration is not revoked."))
            )
        # Art. 16(4)
        if state.ipo_funds_frozen:
            held.append(Condition("ipo_frozen", _("IPO subscription funds are still frozen.")))
        # Art. 16(5)
        if state.unfulfilled_agreement:
            held.append(
                Condition(
                    "agreement_unfulfilled",
                    _("An agreement with the branch is not fulfilled: {what}.").format(
                        what=state.unfulfilled_agreement
                    ),
                )
            )
        # Art. 16(6)
        if state.clearing_house_hold:
            held.append(
                Condition(
                    "clearing_house_hold",
                    _("The clearing house (CSDC) does not allow it: {what}.").format(
                        what=state.clearing_house_hold
                    ),
                )
            )
        return held

    def closure_conditions_missing(
        self, customer: Customer, *, revoking_sh: bool, transferring_sz: bool
    ) -> list[Condition]:
        """Art. 19: a fund account closes only once nothing ties it to the branch."""
        return _closure_missing(
            customer,
            self._state(customer),
            revoking_sh=revoking_sh,
            transferring_sz=transferring_sz,
        )

    def closure_conditions_missing_many(self, asks: Sequence[ClosureAsk]) -> list[list[Condition]]:
        """The same for many accounts, their export rows read in one query."""
        from core_system.models import CoreAccountState

        states = {
            s.customer_id: s
            for s in CoreAccountState.objects.filter(customer_id__in={a.customer.pk for a in asks})
        }
        return [
            _closure_missing(
                a.customer,
                states.get(a.customer.pk),
                revoking_sh=a.revoking_sh,
                transferring_sz=a.transferring_sz,
            )
            for a in asks
        ]

    def verify_trading_password(self, customer: Customer, password: str) -> bool:
        state = self._state(customer)
        if state is None or not state.trading_password_hash:
            return False
        return check_password(password, state.trading_password_hash)


def _closure_missing(
    customer: Customer, state: Any, *, revoking_sh: bool, transferring_sz: bool
) -> list[Condition]:
    """Art. 19 over one account's export row (None: the core system has none)."""
    missing: list[Condition] = []
    if customer.sh_designated_here and not revoking_sh:
        missing.append(
            Condition(
                "sh_designated",
                _("Shanghai designated trading is still at this branch: revoke it first."),
            )
        )
    if (
        (state is None or state.sz_holdings_in_custody)
        and customer.sz_account
        and (not transferring_sz)
    ):
        missing.append(
            Condition(
                "sz_custody",
                _("Shenzhen holdings are still in custody here: transfer them first."),
            )
        )
    if state is None or not state.interest_settled:
        missing.append(Condition("interest", _("Interest has not been settled.")))
    if state is None or state.cash_balance != 0:
        missing.append(Condition("cash", _("Cash is left in the fund account: withdraw it first.")))
    if state is not None and state.unfulfilled_agreement:
        missing.append(
            Condition(
                "agreements",
                _("An agreement with the branch is not fulfilled: {what}.").format(
                    what=state.unfulfilled_agreement
                ),
            )
        )
    return missing


@lru_cache(maxsize=4)
def _adapter_class(path: str) -> type:
    return import_string(path)  # type: ignore[no-any-return]


def get_core_system() -> CoreSystem:
    return _adapter_class(settings.CORE_SYSTEM_ADAPTER)()  # type: ignore[no-any-return]
