"""The customer master from the core trading system (集中交易): preview an export, then apply
exactly the file that was previewed.

- `customer_master_preview(branch=, data=, filename=, full=, encoding=, actor=)` reads the
  export (CSV in UTF-8 or GB18030, or XLSX), checks every line and compares it with the
  branch's customers; it writes nothing but a CustomerImport row whose report lists the new,
  changed (old → new, personal fields masked), unchanged and absent customers and every bad
  line with its reason. A file with one bad line cannot be applied (all or nothing).
- `customer_master_apply(preview=, data=, actor=, progress=)` checks that `data` is the file
  previewed (SHA-256), then loads it in one transaction, set-based: rows compared in chunks by
  fund account, written with bulk_create/bulk_update, personal fields encrypted once each.
  Applying the same file again changes nothing.

Customers absent from a full export are reported, never deleted: their records are kept for
twenty years (securities law). The file itself is not stored: it holds identity numbers and
phones in clear (PIPL Art. 51), so the caller keeps it until it applies.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import mask_id_number, mask_name, mask_phone
from accounts.models import (
    Branch,
    Customer,
    CustomerKind,
    CustomerStatus,
    IdType,
    ManagerChange,
    ManagerChangeCause,
    OpenedVia,
    Staff,
    TierCause,
    TierChange,
)
from accounts.norm.resolve import RuleSet, rule_set
from accounts.pii import pii_digest
from accounts.validators import id_number_problem
from core_system.hooks import ManagerMove, managers_moved
from core_system.imports import parse_date
from core_system.models import CustomerImport, ImportState
from kernel.errors import InvalidInput, InvalidState
from notifications.services import notify

COLUMNS = (
    "kind",
    "name",
    "id_type",
    "id_number",
    "phone",
    "fund_account",
    "sh_account",
    "sh_designated_here",
    "sz_account",
    "sz_custody_seat",
    "opened_via",
    "opened_on",
    "status",
    "account_manager",
    "assets",
    "annual_volume",
)
BRANCH_COLUMN = "branch"
REQUIRED = ("kind", "name", "id_type", "id_number", "fund_account", "opened_via", "status")
# The plain fields a line sets on the customer as they are (after parsing).
PLAIN_FIELDS = (
    "kind",
    "name",
    "id_type",
    "sh_account",
    "sh_designated_here",
    "sz_account",
    "sz_custody_seat",
    "opened_via",
    "opened_on",
    "status",
    "assets",
    "annual_volume",
)
MAX_LENGTHS = {
    "name": 100,
    "id_number": 40,
    "phone": 30,
    "fund_account": 20,
    "sh_account": 20,
    "sz_account": 20,
    "sz_custody_seat": 10,
}
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "是"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "否", ""})
ASSETS_MAX_DIGITS = 16
VOLUME_MAX_DIGITS = 18
# A cell longer than this is not a field of the master (the longest is a name of 100); a
# quote left open would otherwise swallow the rest of the file into one cell.
FIELD_LIMIT = 1000
CHUNK = 2000
# Enough for an administrator to read through; the counts are always complete.
REPORT_LIST_LIMIT = 5000
# Ten million customers' lines are about 2 GB; one branch's master is a fraction of that.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024

Progress = Callable[[int, int | None], None]


def _no_progress(done: int, total: int | None) -> None:
    pass


def max_bytes() -> int:
    return int(getattr(settings, "CUSTOMER_MASTER_MAX_BYTES", DEFAULT_MAX_BYTES))


class CustomerMasterRefused(InvalidInput):
    default_code = "customer_master_refused"


@dataclass
class _Line:
    line: int
    cells: dict[str, str]


@dataclass
class _Parsed:
    line: int
    fund_account: str
    values: dict[str, Any]
    id_number: str
    phone: str
    manager_number: str


@dataclass
class _Report:
    branch: str
    full: bool
    fmt: str = "csv"
    encoding: str = ""
    rows: int = 0
    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    bad: list[dict[str, Any]] = field(default_factory=list)
    departed: list[dict[str, Any]] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "new": 0,
            "changed": 0,
            "unchanged": 0,
            "absent": 0,
            "bad": 0,
            "departed_manager": 0,
            "manager_changes": 0,
            "tier_changes": 0,
        }
    )

    def add(self, key: str, listing: list[Any], item: Any) -> None:
        self.counts[key] += 1
        if len(listing) < REPORT_LIST_LIMIT:
            listing.append(item)

    def bad_line(self, line: int, reasons: list[str]) -> None:
        self.add("bad", self.bad, {"line": line, "reasons": reasons})

    def as_json(self) -> dict[str, Any]:
        applicable = self.counts["bad"] == 0
        return {
            "branch": self.branch,
            "full": self.full,
            "format": self.fmt,
            "encoding": self.encoding,
            "rows": self.rows,
            "counts": self.counts,
            "applicable": applicable,
            "refusal": ""
            if applicable
            else _(
                "This file cannot be applied: {count} bad line(s). Nothing is loaded until "
                "every line is right; correct the export and preview it again."
            ).format(count=self.counts["bad"]),
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.counts["unchanged"],
            "absent": self.absent,
            "departed_manager": self.departed,
            "bad": self.bad,
            "listed_up_to": REPORT_LIST_LIMIT,
        }


# --- reading the file -------------------------------------------------------------------------


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding it was read with: the one given, else UTF-8 (with or without
    a BOM), else GB18030 — the usual encoding of the core system's exports."""
    tried = [encoding] if encoding else ["utf-8-sig", "gb18030"]
    error: UnicodeDecodeError | None = None
    for name in tried:
        try:
            codecs.lookup(name)
        except LookupError:
            raise CustomerMasterRefused(
                _("“{encoding}” is not a text encoding (try gb18030 or utf-8).").format(
                    encoding=name
                )
            ) from None
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            error = exc
    assert error is not None
    raise CustomerMasterRefused(
        _(
            "line {line}: the file is not text in {encodings} (a byte that cannot be read); "
            "export it again as UTF-8 or GB18030, or name its encoding."
        ).format(line=_line_of(data, error.start), encodings=" / ".join(tried)),
        details={"lines": [{"line": _line_of(data, error.start), "reasons": ["encoding"]}]},
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only XLSX exports pay for importing it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # a damaged zip or not a workbook: openpyxl raises many types
        raise CustomerMasterRefused(
            _("The file is not a readable XLSX workbook ({error}).").format(error=exc)
        ) from None
    try:
        if len(book.sheetnames) != 1:
            raise CustomerMasterRefused(
                _(
                    "The workbook has {count} sheets: export the customer master as one sheet."
                ).format(count=len(book.sheetnames))
            )
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in row]
            formulas = [c for c in cells if c.startswith("=")]
            if formulas:
                raise CustomerMasterRefused(
                    _(
                        "line {line}: a cell holds a formula ({formula}): export the values, "
                        "not formulas."
                    ).format(line=number, formula=formulas[0][:40]),
                    details={"lines": [{"line": number, "reasons": ["formula"]}]},
                )
            yield cells
    finally:
        book.close()


def _csv_rows(text: str, report: _Report) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.bad_line(
                line,
                [
                    _(
                        "the line cannot be read as CSV ({error}): is a quote left open or the "
                        "file cut short? Nothing after it was checked"
                    ).format(error=exc)
                ],
            )
            return
        if reader.line_num > line:
            report.bad_line(
                line,
                [
                    _("a cell runs on to line {last}: is a quote left open?").format(
                        last=reader.line_num
                    )
                ],
            )
            continue
        yield line, row


def _lines(
    data: bytes, *, branch: Branch, encoding: str | None, filename: str, report: _Report
) -> Iterator[_Line]:
    """The export's lines as cells by column, after the header and the branch are checked.
    A problem with the whole file raises CustomerMasterRefused; a bad line goes into the
    report and is not yielded."""
    old_limit = csv.field_size_limit(FIELD_LIMIT)
    try:
        if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
            report.fmt = "xlsx"
            rows: Iterator[tuple[int, list[str]]] = (
                (n, r) for n, r in enumerate(_xlsx_rows(data), start=1)
            )
            truncated = False
        else:
            text, report.encoding = _decode(data, encoding)
            rows = _csv_rows(text, report)
            truncated = bool(text) and not text.endswith(("\n", "\r"))
        yield from _lines_from(rows, branch=branch, report=report, truncated=truncated)
    finally:
        csv.field_size_limit(old_limit)


def _lines_from(
    rows: Iterator[tuple[int, list[str]]], *, branch: Branch, report: _Report, truncated: bool
) -> Iterator[_Line]:
    first = next(rows, None)
    if first is None:
        raise CustomerMasterRefused(_("The file is empty."))
    file_branch = ""
    # The branch may come as a first line of its own: "branch,SZ001".
    if [c.strip().lower() for c in first[1][:1]] == [BRANCH_COLUMN] and len(
        [c for c in first[1] if c.strip()]
    ) == 2:
        file_branch = first[1][1].strip()
        first = next(rows, None)
        if first is None:
            raise CustomerMasterRefused(_("The file has no header line."))
    header_line, raw_header = first
    header = [h.strip().lower() for h in raw_header]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS and h != BRANCH_COLUMN]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: {columns}").format(columns=", ".join(missing)))
    if unknown:
        problems.append(
            _("unknown columns: {columns}").format(columns=", ".join(c or "“”" for c in unknown))
        )
    if duplicated:
        problems.append(_("columns named twice: {columns}").format(columns=", ".join(duplicated)))
    if BRANCH_COLUMN not in header and not file_branch:
        problems.append(
            _("the file does not say its branch (a “branch” column or a first line “branch,CODE”)")
        )
    if problems:
        raise CustomerMasterRefused(
            _("line {line}: {reasons}").format(line=header_line, reasons="; ".join(problems)),
            details={"lines": [{"line": header_line, "reasons": problems}]},
        )
    if file_branch and file_branch != branch.code:
        raise CustomerMasterRefused(
            _("The file is the export of branch {file}, not of {branch}: nothing loaded.").format(
                file=file_branch, branch=branch.code
            )
        )
    width = len(header)
    pending: tuple[int, list[str]] | None = None
    for line, cells in rows:
        if pending is not None:
            yield from _checked(pending, header, width, branch, report, last=False)
        pending = (line, cells)
    if pending is not None:
        yield from _checked(pending, header, width, branch, report, last=truncated)


def _checked(
    item: tuple[int, list[str]],
    header: list[str],
    width: int,
    branch: Branch,
    report: _Report,
    *,
    last: bool,
) -> Iterator[_Line]:
    line, cells = item
    if not any(c.strip() for c in cells):
        return  # a blank line (often the last) says nothing
    report.rows += 1
    if len(cells) != width:
        if last and len(cells) < width:
            reason = _("the file ends in the middle of this line: is it cut short?")
        else:
            reason = _("{count} cells where the header has {width}").format(
                count=len(cells), width=width
            )
        report.bad_line(line, [reason])
        return
    row = dict(zip(header, cells, strict=True))
    row_branch = row.pop(BRANCH_COLUMN, None)
    if row_branch is not None and row_branch.strip() != branch.code:
        report.bad_line(
            line,
            [
                _("the line is of branch {file}, not of {branch}").format(
                    file=row_branch.strip(), branch=branch.code
                )
            ],
        )
        return
    yield _Line(line, row)


# --- checking one line ----------------------------------------------------------------------------


def _amount(value: str, max_digits: int) -> Decimal:
    amount = Decimal(value.strip().replace(",", "") or "0")
    if not amount.is_finite() or amount < 0:
        raise InvalidOperation
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidOperation
    amount = amount.quantize(Decimal("0.01"))
    if len(amount.as_tuple().digits) > max_digits:
        raise InvalidOperation
    return amount


def _parse(line: _Line) -> tuple[_Parsed | None, list[str]]:
    reasons: list[str] = []
    cells: dict[str, str] = {}
    for name, raw in line.cells.items():
        # PostgreSQL refuses a NUL in text, and no field of the master holds one.
        if "\x00" in raw:
            reasons.append(_("{column} holds a NUL character").format(column=name))
            raw = raw.replace("\x00", "")
        cells[name] = raw.strip()
    for name in REQUIRED:
        if not cells[name]:
            reasons.append(_("{column} is empty").format(column=name))
    for name, limit in MAX_LENGTHS.items():
        if len(cells[name]) > limit:
            reasons.append(
                _("{column} is longer than {max} characters").format(column=name, max=limit)
            )
    values: dict[str, Any] = {
        name: cells[name] for name in ("name", "sh_account", "sz_account", "sz_custody_seat")
    }
    for name, choices in (
        ("kind", CustomerKind.values),
        ("id_type", IdType.values),
        ("opened_via", OpenedVia.values),
        ("status", CustomerStatus.values),
    ):
        value = cells[name].lower()
        if value and value not in choices:
            reasons.append(
                _("{column} “{value}” is not one of {choices}").format(
                    column=name, value=cells[name], choices=", ".join(choices)
                )
            )
        values[name] = value
    word = cells["sh_designated_here"].lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        values["sh_designated_here"] = word in TRUE_WORDS
    else:
        reasons.append(
            _("{column} “{value}” is not a yes/no value (1/0, true/false)").format(
                column="sh_designated_here", value=cells["sh_designated_here"]
            )
        )
    try:
        values["opened_on"] = parse_date(cells["opened_on"])
    except ValueError:
        reasons.append(
            _("opened_on “{value}” is not a date (YYYY-MM-DD)").format(value=cells["opened_on"])
        )
    for name, digits in (("assets", ASSETS_MAX_DIGITS), ("annual_volume", VOLUME_MAX_DIGITS)):
        try:
            values[name] = _amount(cells[name], digits)
        except InvalidOperation:
            reasons.append(
                _("{column} “{value}” is not an amount of at most two decimals").format(
                    column=name, value=cells[name][:40]
                )
            )
    if cells["id_number"] and values["id_type"] in IdType.values:
        problem = id_number_problem(values["id_type"], cells["id_number"])
        if problem:
            reasons.append(_("id_number: {problem}").format(problem=problem))
    if reasons:
        return None, reasons
    return (
        _Parsed(
            line=line.line,
            fund_account=cells["fund_account"],
            values=values,
            id_number=cells["id_number"],
            phone=cells["phone"],
            manager_number=cells["account_manager"],
        ),
        [],
    )


# --- comparing and writing ----------------------------------------------------------------------

_EXISTING_FIELDS = (
    "pk",
    "branch_id",
    "fund_account",
    *PLAIN_FIELDS,
    "id_number_digest",
    "phone_digest",
    "account_manager_id",
    "tier_override",
)


@dataclass
class _Context:
    branch: Branch
    report: _Report
    staff: dict[str, tuple[int, bool, str]]  # staff number -> (pk, active, name)
    seen: dict[str, int] = field(default_factory=dict)  # fund account -> line
    apply: bool = False
    actor: Staff | None = None
    source_ref: str = ""
    moves: list[ManagerMove] = field(default_factory=list)
    # Art. 17's thresholds as they stand on the day of the import, resolved once.
    rules: RuleSet = field(init=False)

    def __post_init__(self) -> None:
        self.rules = rule_set(self.branch.pk)


def _staff_numbers(branch: Branch) -> dict[str, tuple[int, bool, str]]:
    return {
        str(number): (pk, active, display or username)
        for number, pk, active, display, username in Staff.objects.filter(
            branch=branch, staff_number__isnull=False
        ).values_list("staff_number", "pk", "is_active", "display_name", "username")
    }


def _tier(rules: RuleSet, override: str, assets: Decimal, volume: Decimal) -> str:
    return override or str(rules.tier_for(assets=assets, volume=volume))


def _chunk(ctx: _Context, parsed: list[_Parsed]) -> None:
    report, branch = ctx.report, ctx.branch
    existing = {
        row["fund_account"]: row
        for row in Customer.objects.filter(
            fund_account__in=[p.fund_account for p in parsed]
        ).values(*_EXISTING_FIELDS)
    }
    good: list[tuple[_Parsed, dict[str, Any] | None, int | None, str, str]] = []
    for p in parsed:
        reasons: list[str] = []
        if p.fund_account in ctx.seen:
            reasons.append(
                _("fund account {account} listed twice (first on line {line})").format(
                    account=p.fund_account, line=ctx.seen[p.fund_account]
                )
            )
        else:
            ctx.seen[p.fund_account] = p.line
        old = existing.get(p.fund_account)
        if old is not None and old["branch_id"] != branch.pk:
            reasons.append(
                _("fund account {account} is a customer of another branch").format(
                    account=p.fund_account
                )
            )
        if old is not None and old["kind"] != p.values["kind"]:
            reasons.append(
                _(
                    "the customer's kind changed ({old} → {new}): a customer does not change "
                    "kind; check the export, or open a new account"
                ).format(old=old["kind"], new=p.values["kind"])
            )
        manager_id: int | None = old["account_manager_id"] if old else None
        if p.manager_number:
            staff = ctx.staff.get(p.manager_number)
            if staff is None:
                reasons.append(
                    _("unknown account manager {number} at this branch").format(
                        number=p.manager_number
                    )
                )
            elif not staff[1]:
                # Art. 28: a manager who left hands over through the departure flow, which
                # flags the customers and asks for direct contact — never silently here.
                report.add(
                    "departed_manager",
                    report.departed,
                    {
                        "line": p.line,
                        "fund_account": p.fund_account,
                        "staff_number": p.manager_number,
                    },
                )
            else:
                manager_id = staff[0]
        if reasons:
            report.bad_line(p.line, reasons)
            continue
        id_digest = pii_digest("id_number", p.id_number)
        phone_digest = pii_digest("phone", p.phone)
        good.append((p, old, manager_id, id_digest, phone_digest))

    to_create: list[Customer] = []
    to_update: list[Customer] = []
    update_fields: set[str] = set()
    tier_rows: list[TierChange] = []
    manager_rows: list[ManagerChange] = []
    changed_pii: dict[int, dict[str, Any]] = {}
    for p, old, manager_id, id_digest, phone_digest in good:
        values = p.values
        if old is None:
            tier = _tier(ctx.rules, "", values["assets"], values["annual_volume"])
            report.add(
                "new",
                report.new,
                {
                    "line": p.line,
                    "fund_account": p.fund_account,
                    "name": values["name"]
                    if values["kind"] == CustomerKind.INSTITUTION
                    else mask_name(values["name"]),
                    "tier": tier,
                },
            )
            report.counts["tier_changes"] += 1
            if ctx.apply:
                customer = Customer(
                    branch=branch,
                    fund_account=p.fund_account,
                    id_number=p.id_number,
                    phone=p.phone,
                    account_manager_id=manager_id,
                    **values,
                )
                to_create.append(customer)
                tier_rows.append(
                    TierChange(
                        customer=customer,
                        from_tier="",
                        to_tier=tier,
                        cause=TierCause.IMPORT,
                        assets=values["assets"],
                        annual_volume=values["annual_volume"],
                        actor=ctx.actor,
                        source_ref=ctx.source_ref,
                    )
                )
            continue
        fields = [name for name in PLAIN_FIELDS if old[name] != values[name]]
        if old["id_number_digest"] != id_digest:
            fields.append("id_number")
        if old["phone_digest"] != phone_digest:
            fields.append("phone")
        if old["account_manager_id"] != manager_id:
            fields.append("account_manager")
        if not fields:
            report.counts["unchanged"] += 1
            continue
        before = _tier(ctx.rules, old["tier_override"], old["assets"], old["annual_volume"])
        after = _tier(ctx.rules, old["tier_override"], values["assets"], values["annual_volume"])
        entry: dict[str, Any] = {
            "line": p.line,
            "fund_account": p.fund_account,
            "fields": {
                name: [_shown(name, old.get(name)), _shown(name, values.get(name))]
                for name in fields
                if name in PLAIN_FIELDS
            },
        }
        if "id_number" in fields or "phone" in fields:
            changed_pii[old["pk"]] = entry
            if "id_number" in fields:
                entry["fields"]["id_number"] = ["", mask_id_number(p.id_number)]
            if "phone" in fields:
                entry["fields"]["phone"] = ["", mask_phone(p.phone)]
        if "account_manager" in fields:
            entry["fields"]["account_manager"] = [
                _manager_name(ctx, old["account_manager_id"]),
                _manager_name(ctx, manager_id),
            ]
            report.counts["manager_changes"] += 1
        if before != after:
            entry["tier"] = [before, after]
            report.counts["tier_changes"] += 1
        report.add("changed", report.changed, entry)
        if not ctx.apply:
            continue
        customer = Customer(
            pk=old["pk"],
            branch=branch,
            fund_account=p.fund_account,
            id_number=p.id_number,
            phone=p.phone,
            id_number_digest=id_digest,
            phone_digest=phone_digest,
            account_manager_id=manager_id,
            **values,
        )
        to_update.append(customer)
        update_fields.update(fields)
        if "id_number" in fields:
            update_fields.add("id_number_digest")
        if "phone" in fields:
            update_fields.add("phone_digest")
        if before != after:
            tier_rows.append(
                TierChange(
                    customer_id=old["pk"],
                    from_tier=before,
                    to_tier=after,
                    cause=TierCause.IMPORT,
                    assets=values["assets"],
                    annual_volume=values["annual_volume"],
                    actor=ctx.actor,
                    source_ref=ctx.source_ref,
                )
            )
        if "account_manager" in fields and manager_id is not None:
            manager_rows.append(
                ManagerChange(
                    customer_id=old["pk"],
                    from_manager_id=old["account_manager_id"],
                    to_manager_id=manager_id,
                    cause=ManagerChangeCause.IMPORT,
                    actor=ctx.actor,
                    source_ref=ctx.source_ref,
                )
            )
            ctx.moves.append(ManagerMove(old["pk"], old["account_manager_id"], manager_id))
    if changed_pii:
        # The old personal values, decrypted only for the customers whose value changed.
        for pk, id_number, phone in Customer.objects.filter(pk__in=changed_pii).values_list(
            "pk", "id_number", "phone"
        ):
            shown = changed_pii[pk]["fields"]
            if "id_number" in shown:
                shown["id_number"][0] = mask_id_number(id_number)
            if "phone" in shown:
                shown["phone"][0] = mask_phone(phone)
    if ctx.apply:
        Customer.objects.bulk_create(to_create, batch_size=CHUNK)
        if to_update:
            Customer.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
        TierChange.objects.bulk_create(tier_rows, batch_size=CHUNK)
        ManagerChange.objects.bulk_create(manager_rows, batch_size=CHUNK)


def _shown(name: str, value: Any) -> Any:
    if isinstance(value, (Decimal, dt.date)):
        return str(value)
    return value


def _manager_name(ctx: _Context, pk: int | None) -> str:
    if pk is None:
        return ""
    for number, (staff_pk, _active, name) in ctx.staff.items():
        if staff_pk == pk:
            return f"{name} ({number})"
    return str(pk)


def _run(
    *,
    data: bytes,
    branch: Branch,
    filename: str,
    full: bool,
    encoding: str | None,
    ctx_extra: dict[str, Any],
    progress: Progress,
) -> _Context:
    report = _Report(branch=branch.code, full=full)
    if len(data) > max_bytes():
        raise CustomerMasterRefused(
            _(
                "The file is {size} MB, more than the {limit} MB a branch's customer master "
                "can be: is it the right file?"
            ).format(size=len(data) // 2**20, limit=max_bytes() // 2**20)
        )
    ctx = _Context(branch=branch, report=report, staff=_staff_numbers(branch), **ctx_extra)
    total = data.count(b"\n") or None
    batch: list[_Parsed] = []
    done = 0
    for line in _lines(data, branch=branch, encoding=encoding, filename=filename, report=report):
        parsed, reasons = _parse(line)
        if parsed is None:
            report.bad_line(line.line, reasons)
            continue
        batch.append(parsed)
        if len(batch) >= CHUNK:
            _chunk(ctx, batch)
            done += len(batch)
            progress(done, total)
            batch = []
    if batch:
        _chunk(ctx, batch)
        done += len(batch)
        progress(done, total)
    if full:
        absent = (
            Customer.objects.filter(branch=branch)
            .exclude(status=CustomerStatus.CLOSED)
            .values_list("fund_account", flat=True)
            .iterator(chunk_size=CHUNK)
        )
        for account in absent:
            if account not in ctx.seen:
                report.add("absent", report.absent, account)
    return ctx


def _store_counts(record: CustomerImport, report: dict[str, Any]) -> None:
    counts = report["counts"]
    record.rows = report["rows"]
    record.new = counts["new"]
    record.changed = counts["changed"]
    record.unchanged = counts["unchanged"]
    record.absent = counts["absent"]
    record.bad = counts["bad"]
    record.report = report


def _refused_report(branch: Branch, full: bool, exc: CustomerMasterRefused) -> dict[str, Any]:
    report = _Report(branch=branch.code, full=full)
    lines = (exc.details or {}).get("lines") if isinstance(exc.details, dict) else None
    report.bad_line(lines[0]["line"] if lines else 0, [exc.message])
    return report.as_json()


def customer_master_preview(
    *,
    branch: Branch,
    data: bytes,
    filename: str = "",
    full: bool = False,
    encoding: str | None = None,
    actor: Staff | None = None,
    progress: Progress | None = None,
) -> CustomerImport:
    """Check the export `data` against `branch`'s customers and store what applying it would
    do. Never raises for a bad file: the returned preview's report says why it cannot be
    applied (`preview.applicable` is False)."""
    record = CustomerImport(
        branch=branch,
        digest=file_digest(data),
        filename=filename[:255],
        full=full,
        created_by=actor,
    )
    try:
        ctx = _run(
            data=data,
            branch=branch,
            filename=filename,
            full=full,
            encoding=encoding,
            ctx_extra={},
            progress=progress or _no_progress,
        )
        report = ctx.report.as_json()
    except CustomerMasterRefused as exc:
        report = _refused_report(branch, full, exc)
    report["encoding_given"] = encoding or ""
    _store_counts(record, report)
    record.save()
    return record


def customer_master_apply(
    *,
    preview: CustomerImport,
    data: bytes,
    actor: Staff | None = None,
    progress: Progress | None = None,
) -> CustomerImport:
    """Load the previewed export, all or nothing. `data` must be the very file previewed.
    An already applied preview is returned as it is: the same file twice changes nothing.
    Raises InvalidInput (another file), InvalidState (bad lines; or a line that has gone bad
    since the preview, which marks the preview failed)."""
    if file_digest(data) != preview.digest:
        raise InvalidInput(
            _(
                "This is not the file that was previewed (its contents differ): preview this "
                "file first."
            ),
            code="customer_master_other_file",
        )
    with transaction.atomic():
        locked = (
            CustomerImport.objects.select_for_update(of=("self",))
            .select_related("branch")
            .get(pk=preview.pk)
        )
        if locked.state == ImportState.APPLIED:
            return locked
        if not locked.applicable:
            raise InvalidState(
                _("This file cannot be applied: its preview found {count} bad line(s).").format(
                    count=locked.bad
                ),
                code="customer_master_not_applicable",
            )
        encoding = locked.report.get("encoding_given") or None
        failed: dict[str, Any] | None = None
        error: InvalidState | None = None
        try:
            # Savepoint: a line gone bad since the preview undoes every write, and the
            # preview is still marked failed, in the outer transaction.
            with transaction.atomic():
                ctx = _run(
                    data=data,
                    branch=locked.branch,
                    filename=locked.filename,
                    full=locked.full,
                    encoding=encoding,
                    ctx_extra={
                        "apply": True,
                        "actor": actor,
                        "source_ref": f"import:{locked.pk}",
                    },
                    progress=progress or _no_progress,
                )
                if ctx.report.counts["bad"]:
                    failed = ctx.report.as_json()
                    raise CustomerMasterRefused(failed["refusal"])
                handed_over = managers_moved(moves=ctx.moves, actor=actor)
                _tell_managers(ctx, handed_over)
        except CustomerMasterRefused as exc:
            failed = failed or _refused_report(locked.branch, locked.full, exc)
            failed["encoding_given"] = encoding or ""
            _store_counts(locked, failed)
            locked.state = ImportState.FAILED
            locked.save()
            error = InvalidState(
                _("The file was not loaded, nothing changed: it no longer passes its checks.")
                + " "
                + exc.message,
                code="customer_master_failed",
                details={"lines": failed["bad"]},
            )
        else:
            report = ctx.report.as_json()
            report["encoding_given"] = encoding or ""
            report["tasks_handed_over"] = handed_over
            _store_counts(locked, report)
            locked.state = ImportState.APPLIED
            locked.applied_by = actor
            locked.applied_at = timezone.now()
            locked.save()
    if error is not None:
        raise error
    return locked


def _tell_managers(ctx: _Context, handed_over: int) -> None:
    """Both managers of each move hear of it: one notice each per import, not per customer."""
    if not ctx.moves:
        return
    gained: dict[int, int] = {}
    lost: dict[int, int] = {}
    for move in ctx.moves:
        gained[move.to_manager_id] = gained.get(move.to_manager_id, 0) + 1
        if move.from_manager_id is not None:
            lost[move.from_manager_id] = lost.get(move.from_manager_id, 0) + 1
    people = Staff.objects.in_bulk(set(gained) | set(lost))
    link = reverse("customer_search")
    for pk, count in gained.items():
        notify(
            recipients=[people[pk]],
            subject=_(
                "{count} customer(s) are now yours, from the core system's customer master; "
                "their open revisits and contact tasks came with them"
            ).format(count=count),
            link=link,
        )
    for pk, count in lost.items():
        notify(
            recipients=[people[pk]],
            subject=_(
                "{count} of your customers now have another account manager, from the core "
                "system's customer master; their open tasks went with them"
            ).format(count=count),
            link=link,
        )


__all__ = [
    "COLUMNS",
    "CustomerMasterRefused",
    "customer_master_apply",
    "customer_master_preview",
    "file_digest",
]
