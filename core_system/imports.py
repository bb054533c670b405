"""Loading the core trading system's daily export into CoreAccountState.

The whole file is checked before anything is written: one bad row and nothing changes, and
the error names every bad line and why. A line the CSV reader cannot read at all (a quote
left open runs the rest of the file into one cell, past the reader's field limit) is named
too, with every bad line before it; nothing after it can be trusted, so it is the last. A
good file replaces each listed customer's state (upsert by fund account); customers the file
does not list keep the state they had.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Branch, Customer
from core_system.models import CoreAccountState
from kernel.errors import InvalidInput

COLUMNS = (
    "fund_account",
    "last_order_date",
    "open_bond_repo",
    "repo_registration_open",
    "ipo_funds_frozen",
    "unfulfilled_agreement",
    "clearing_house_hold",
    "sz_holdings_in_custody",
    "interest_settled",
    "cash_balance",
)
BOOL_COLUMNS = (
    "open_bond_repo",
    "repo_registration_open",
    "ipo_funds_frozen",
    "sz_holdings_in_custody",
    "interest_settled",
)
TEXT_COLUMNS = ("unfulfilled_agreement", "clearing_house_hold")
# Where the export carries it, the Shanghai designated trading (指定交易) at this branch: the
# customer's account fact the closure conditions read (Art. 19). Older exports lack it.
DESIGNATION_COLUMN = "sh_designated"
# What the core system's exports have been seen to write for yes and no.
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "是"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "否"})
DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d")
TEXT_MAX = 200
CASH_MAX_DIGITS = 16
BATCH = 500

Progress = Callable[[Iterable[Any]], Iterable[Any]]


@dataclass(frozen=True)
class LineError:
    line: int
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return _("line {line}: {reasons}").format(line=self.line, reasons="; ".join(self.reasons))


class CoreImportError(InvalidInput):
    default_code = "core_import_invalid"

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        super().__init__(
            _("The export was not loaded; nothing was changed. Fix these lines:")
            + "\n"
            + "\n".join(str(e) for e in errors),
            details={"lines": [{"line": e.line, "reasons": list(e.reasons)} for e in errors]},
        )


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    not_listed: int = 0


def _parse_bool(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError


def parse_date(value: str) -> dt.date | None:
    """A day as the core system's exports write it (2026-11-27 or 20261127); empty is None,
    anything else a ValueError."""
    value = value.strip()
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _parse_cash(value: str) -> Decimal:
    amount = Decimal(value.strip().replace(",", ""))
    if not amount.is_finite():
        raise InvalidOperation
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidOperation
    return amount.quantize(Decimal("0.01"))


def _check_row(
    row: dict[str, str | None], customers: dict[str, int]
) -> tuple[dict[str, Any], list[str]]:
    """The row's values ready for CoreAccountState, and the reasons it is wrong (if any)."""
    values: dict[str, Any] = {}
    reasons: list[str] = []
    cells = {name: (row.get(name) or "") for name in COLUMNS}
    if None in row:  # csv puts cells beyond the header under the key None
        reasons.append(_("more cells than the header has columns"))
    for name, cell in cells.items():
        # PostgreSQL refuses a NUL in text; no value of the export holds one.
        if "\x00" in cell:
            reasons.append(_("{column} holds a NUL character").format(column=name))
            cells[name] = cell.replace("\x00", "")

    account = cells["fund_account"].strip()
    if not account:
        reasons.append(_("fund_account is empty"))
    elif account not in customers:
        reasons.append(_("unknown fund account {account}").format(account=account))
    else:
        values["customer_id"] = customers[account]

    try:
        values["last_order_date"] = parse_date(cells["last_order_date"])
    except ValueError:
        reasons.append(
            _("last_order_date “{value}” is not a date (YYYY-MM-DD)").format(
                value=cells["last_order_date"]
            )
        )

    for name in BOOL_COLUMNS:
        try:
            values[name] = _parse_bool(cells[name])
        except ValueError:
            reasons.append(
                _("{column} “{value}” is not a yes/no value (1/0, true/false)").format(
                    column=name, value=cells[name]
                )
            )

    for name in TEXT_COLUMNS:
        text = cells[name].strip()
        if len(text) > TEXT_MAX:
            reasons.append(
                _("{column} is longer than {max} characters").format(column=name, max=TEXT_MAX)
            )
        values[name] = text

    try:
        cash = _parse_cash(cells["cash_balance"])
    except InvalidOperation:
        reasons.append(
            _("cash_balance “{value}” is not an amount with at most two decimals").format(
                value=cells["cash_balance"]
            )
        )
    else:
        if cash < 0:
            reasons.append(_("cash_balance {value} is negative").format(value=cash))
        elif len(cash.as_tuple().digits) > CASH_MAX_DIGITS:
            reasons.append(_("cash_balance {value} is too large").format(value=cash))
        values["cash_balance"] = cash
    return values, reasons


def _unreadable(exc: csv.Error) -> str:
    return _(
        "the line cannot be read as CSV ({error}): is a quote left open? Nothing after it "
        "was checked"
    ).format(error=exc)


def core_export_import(
    *,
    source: TextIO,
    as_of: dt.date,
    progress: Progress | None = None,
    branch: Branch | None = None,
) -> ImportResult:
    """Check every row of the export in `source`, then write them all in one transaction.
    Raises CoreImportError naming each bad line (line 1 is the header) and writes nothing.
    With `branch`, a fund account of any other branch is a bad line: a branch's own file
    must not set another branch's customers."""
    reader = csv.DictReader(source)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CoreImportError(
            [LineError(1, (_("missing columns: {columns}").format(columns=", ".join(missing)),))]
        )
    reader.fieldnames = header

    listed = Customer.objects.filter(branch=branch) if branch is not None else Customer.objects
    customers = dict(listed.values_list("fund_account", "pk"))
    seen: dict[int, int] = {}
    errors: list[LineError] = []
    states: list[dict[str, Any]] = []
    designations: dict[Any, bool] = {}
    rows = iter(progress(reader) if progress else reader)
    while True:
        line = reader.line_num + 1  # where the row starts; a quoted cell may span lines
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(LineError(line, (_unreadable(exc),)))
            break
        values, reasons = _check_row(row, customers)
        if reader.line_num > line:
            reasons.append(
                _("a cell runs on to line {last}: is a quote left open?").format(
                    last=reader.line_num
                )
            )
        customer_id = values.get("customer_id")
        if customer_id is not None and customer_id in seen:
            reasons.append(
                _("fund account listed twice (first on line {line})").format(line=seen[customer_id])
            )
        elif customer_id is not None:
            seen[customer_id] = line
        if DESIGNATION_COLUMN in header:
            try:
                designations[customer_id] = _parse_bool(row.get(DESIGNATION_COLUMN) or "")
            except ValueError:
                reasons.append(
                    _("{column} “{value}” is not a yes/no value (1/0, true/false)").format(
                        column=DESIGNATION_COLUMN, value=row.get(DESIGNATION_COLUMN) or ""
                    )
                )
        if reasons:
            errors.append(LineError(line, tuple(reasons)))
        else:
            states.append(values)
    if errors:
        raise CoreImportError(errors)

    fields = [c for c in COLUMNS if c != "fund_account"]
    with transaction.atomic():
        existing = {
            s.customer_id: s
            for s in CoreAccountState.objects.select_for_update().filter(
                customer_id__in=[v["customer_id"] for v in states]
            )
        }
        to_create: list[CoreAccountState] = []
        to_update: list[CoreAccountState] = []
        for values in states:
            state = existing.get(values["customer_id"])
            if state is None:
                to_create.append(CoreAccountState(as_of=as_of, **values))
                continue
            for name in fields:
                setattr(state, name, values[name])
            state.as_of = as_of
            to_update.append(state)
        CoreAccountState.objects.bulk_create(to_create, batch_size=BATCH)
        CoreAccountState.objects.bulk_update(to_update, [*fields, "as_of"], batch_size=BATCH)
        for designated in (True, False):
            Customer.objects.filter(
                pk__in=[pk for pk, here in designations.items() if here is designated]
            ).exclude(sh_designated_here=designated).update(sh_designated_here=designated)
    return ImportResult(
        rows=len(states),
        created=len(to_create),
        updated=len(to_update),
        not_listed=len(customers) - len(states),
    )
