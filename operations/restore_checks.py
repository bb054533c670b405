"""What a restored copy must show before anyone trusts the backups (JR/T 0059: a backup is
only as good as its last restore): each check takes a database alias, so it runs against the
restored copy, the live database, or both side by side.

- table_counts: every table's rows, to compare with the source as of the recovery point;
- append_only_guarded: the append-only tables still carry their triggers (kernel/audit.py),
  enabled: a restore that dropped them would leave the trails editable;
- append_only_prefix: each append-only table's restored rows are exactly the source's rows of
  the same ids (the rows never change, so what the copy has must match byte for byte);
- numbering_gaps: receipt numbers (Art. 12) and archive numbers (records Art. 5) run 1..n
  without a hole, and n is their counter's value;
- archives_intact: the archives' own integrity check (archives/services/integrity.py) over
  the restored media, rolled back so the copy stays as it was restored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connections, transaction

from kernel.audit import TRIGGER_SUFFIXES, AppendOnlyModel


@dataclass
class CheckResult:
    name: str
    ok: bool
    lines: list[str] = field(default_factory=list)


def table_counts(using: str = "default") -> dict[str, int]:
    connection = connections[using]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def counts_compare(*, restored: dict[str, int], expected: dict[str, int]) -> CheckResult:
    """Every table the source had, with its count at the recovery point; a table the copy
    lacks, or holds a different number of rows in, fails."""
    lines, ok = [], True
    for table in sorted(set(restored) | set(expected)):
        want, got = expected.get(table), restored.get(table)
        same = want == got
        ok = ok and same
        lines.append(
            f"{table}: {got if got is not None else '-'} {'=' if same else '≠'} "
            f"{want if want is not None else '-'}"
        )
    return CheckResult("row counts", ok, lines)


def append_only_expected() -> list[str]:
    """The tables the code declares append-only (kernel.audit.AppendOnlyModel), plus the
    approvals, whose trigger allows the one sign-off (Art. 17)."""
    tables = {m._meta.db_table for m in apps.get_models() if issubclass(m, AppendOnlyModel)}
    tables.add(apps.get_model("transfers", "Approval")._meta.db_table)
    return sorted(tables)


def _guards(using: str) -> dict[str, bool]:
    """Table → whether its append-only trigger is enabled, read from pg_trigger."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, bool_or(t.tgenabled <> 'D') FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace AND ("
            + " OR ".join(["t.tgname = c.relname || %s"] * len(TRIGGER_SUFFIXES))
            + ") GROUP BY c.relname",
            list(TRIGGER_SUFFIXES),
        )
        return {table: bool(enabled) for table, enabled in cursor.fetchall()}


def append_only_guarded(using: str = "default", *, source: str | None = None) -> CheckResult:
    expected = set(append_only_expected())
    if source is not None:
        expected |= set(_guards(source))
    guards = _guards(using)
    lines, ok = [], True
    for table in sorted(expected):
        state = "guarded" if guards.get(table) else ("disabled" if table in guards else "MISSING")
        ok = ok and state == "guarded"
        lines.append(f"{table}: {state}")
    return CheckResult("append-only triggers", ok, lines)


def _digest(using: str, table: str, upto: int | None) -> tuple[int, str, int | None]:
    quoted = connections[using].ops.quote_name(table)
    where = "" if upto is None else " WHERE id <= %s"
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY id)), ''), max(id) "
            f"FROM {quoted} t{where}",
            [] if upto is None else [upto],
        )
        count, digest, top = cursor.fetchone()
    return int(count), str(digest), top


def append_only_prefix(using: str, *, source: str) -> CheckResult:
    """For a drill against the live source (no counts recorded at the target time): the
    append-only rows restored are the source's rows up to the same id, unchanged; the source
    only ever added rows after them."""
    lines, ok = [], True
    for table in sorted(_guards(using)):
        count, digest, top = _digest(using, table, None)
        if top is None:
            lines.append(f"{table}: empty")
            continue
        source_count, source_digest, _top = _digest(source, table, top)
        same = (count, digest) == (source_count, source_digest)
        ok = ok and same
        lines.append(f"{table}: {count} rows {'match' if same else 'DIFFER FROM'} the source's")
    return CheckResult("append-only rows", ok, lines)


def _runs_without_gaps(numbers: list[int], last: int) -> bool:
    return sorted(numbers) == list(range(1, last + 1))


def numbering_gaps(using: str = "default") -> CheckResult:
    """Receipt numbers ("SH01-2026-000123") per branch and year, archive numbers per branch,
    category and year: 1..n, each once, n the counter's last number."""
    transfer_request = apps.get_model("transfers", "TransferRequest")
    receipt_counter = apps.get_model("transfers", "ReceiptCounter")
    archive_record = apps.get_model("archives", "ArchiveRecord")
    archive_counter = apps.get_model("archives", "ArchiveCounter")
    lines, ok = [], True

    receipts: dict[tuple[int, int], list[int]] = defaultdict(list)
    pattern = re.compile(r"-(\d{4})-(\d+)$")
    for branch_id, number in (
        transfer_request.objects.using(using)
        .exclude(receipt_number="")
        .values_list("branch_id", "receipt_number")
    ):
        match = pattern.search(number)
        if match is None:
            ok = False
            lines.append(f"receipt {number}: not a receipt number")
            continue
        receipts[(branch_id, int(match[1]))].append(int(match[2]))
    counters = {
        (c.branch_id, c.year): c.last_number for c in receipt_counter.objects.using(using).all()
    }
    for key in sorted(set(receipts) | set(counters)):
        good = _runs_without_gaps(receipts.get(key, []), counters.get(key, 0))
        ok = ok and good
        lines.append(
            f"receipts branch {key[0]} {key[1]}: {len(receipts.get(key, []))} of "
            f"{counters.get(key, 0)} {'without gaps' if good else 'WITH GAPS'}"
        )

    records: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for branch_id, category, year, sequence in (
        archive_record.objects.using(using)
        .filter(sequence__isnull=False)
        .values_list("branch_id", "category", "year", "sequence")
    ):
        records[(branch_id, category, year)].append(sequence)
    archive_counters = {
        (c.branch_id, c.category, c.year): c.last_number
        for c in archive_counter.objects.using(using).all()
    }
    for record_key in sorted(set(records) | set(archive_counters)):
        good = _runs_without_gaps(records.get(record_key, []), archive_counters.get(record_key, 0))
        ok = ok and good
        branch_id, category, year = record_key
        lines.append(
            f"archive numbers branch {branch_id} {category} {year}: "
            f"{len(records.get(record_key, []))} of {archive_counters.get(record_key, 0)} "
            f"{'without gaps' if good else 'WITH GAPS'}"
        )
    return CheckResult("numbering", ok, lines)


def archives_intact() -> CheckResult:
    """The archives' integrity check for every branch on the default database and storage
    (the restored copy and media, in the drill's checking process). Its result rows are
    rolled back: the copy stays exactly as restored. Files the database does not name are
    reported but do not fail: a media snapshot taken after the recovery point holds files
    filed later."""
    from accounts.models import Branch
    from archives.services import archive_integrity_check
    from kernel.calendar import beijing_today

    lines, ok = [], True
    with transaction.atomic():
        for branch in Branch.objects.order_by("code"):
            found = archive_integrity_check(branch=branch, business_date=beijing_today())
            good = found["changed"] == 0 and found["missing"] == 0
            ok = ok and good
            lines.append(
                f"archives {branch.code}: {found['checked']} checked, {found['intact']} intact, "
                f"{found['changed']} changed, {found['missing']} missing, "
                f"{found['unreferenced']} unreferenced"
            )
        transaction.set_rollback(True)
    return CheckResult("archive integrity", ok, lines)
