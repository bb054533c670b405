"""The nightly files: what the core trading system drops after the close, taken once each.

The drop folder (setting CORE_DROP_DIR) holds files named `<BRANCH>_<YYYYMMDD>_<kind>.csv`,
kind one of customers, accounts, metrics (CoreFileKind). A branch's run for a business date
takes the files its code and that date name, in the order customers, accounts, metrics:

- An optional last line checks the file arrived whole: `#rows,<n>` (n lines of data, the
  loader's count) or `#sha256,<hex>` (of every byte before that line). Without one, the
  sender must write under another name (a leading dot, or `.part`) and rename when done:
  names that do not follow the convention are left where they are.
- Each file loads in its own savepoint through the loader its kind has (the customer master:
  preview, then apply; the account states: core_system/imports.py; the daily figures: the
  loader retention registers with `core_file_loader`). A bad line, a wrong trailer, another
  branch's customers, another day's figures: the file is refused, nothing of it is kept.
- A CoreFile row records each file taken. The file moves to processed/ or refused/ (with a
  `.reason.txt` beside it) only once the run's transaction has committed: a run killed
  mid-file leaves the file where it was and nothing loaded. If the move itself fails, the
  loaded row's digest stops the next run from loading the same bytes again.

A file dated before the run's day is refused (its day's run is the one to load it); one
dated after is left for its own run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch
from core_system.customer_master import customer_master_apply, customer_master_preview, max_bytes
from core_system.imports import CoreImportError, core_export_import
from core_system.models import CoreFile, CoreFileKind, CoreFileState
from kernel.calendar import BEIJING
from kernel.errors import ApplicationError

logger = logging.getLogger(__name__)

NAME = re.compile(
    r"^(?P<branch>[^_./\\]+)_(?P<date>\d{8})_(?P<kind>customers|accounts|metrics)\.csv$",
    re.IGNORECASE,
)
TRAILER = re.compile(rb"^#(?P<what>rows|sha256),(?P<value>[0-9A-Fa-f]+)\s*$")
KIND_ORDER = list(CoreFileKind.values)
PROCESSED = "processed"
REFUSED = "refused"

Progress = Callable[[int, int | None], None]


class CoreFileRefused(Exception):
    """A loader's verdict that the file cannot load; whatever it wrote is rolled back."""

    def __init__(self, reason: str, report: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = str(reason)
        self.report = report or {}


@dataclass(frozen=True)
class CoreFileInput:
    branch: Branch
    business_date: dt.date
    name: str
    data: bytes  # without its trailer


@dataclass
class CoreFileLoaded:
    rows: int
    counts: dict[str, int] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)


Loader = Callable[[CoreFileInput], CoreFileLoaded]
_loaders: dict[str, Loader] = {}


def core_file_loader(kind: str) -> Callable[[Loader], Loader]:
    """Register the loader of one kind of file: apps above core_system (retention, for the
    daily figures) register theirs in AppConfig.ready()."""

    def register(loader: Loader) -> Loader:
        _loaders[kind] = loader
        return loader

    return register


def drop_dir() -> Path:
    return Path(settings.CORE_DROP_DIR)


def file_name(branch: Branch, business_date: dt.date, kind: str) -> str:
    return f"{branch.code}_{business_date:%Y%m%d}_{kind}.csv"


def core_file_text(data: bytes) -> str:
    """The file as text: UTF-8 (with or without a BOM), else GB18030, what the core system's
    exports are written in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CoreFileRefused(
            _("line {line}: the file is neither UTF-8 nor GB18030 text.").format(line=line)
        ) from None


# --- the built-in loaders -----------------------------------------------------------------


@core_file_loader(CoreFileKind.CUSTOMERS)
def _load_customers(file: CoreFileInput) -> CoreFileLoaded:
    preview = customer_master_preview(branch=file.branch, data=file.data, filename=file.name)
    if not preview.applicable:
        raise CoreFileRefused(
            preview.report.get("refusal") or _("The customer master has bad lines."),
            report={"bad": preview.report.get("bad", []), "counts": preview.report.get("counts")},
        )
    applied = customer_master_apply(preview=preview, data=file.data)
    return CoreFileLoaded(
        rows=applied.rows,
        counts={"new": applied.new, "changed": applied.changed, "unchanged": applied.unchanged},
        report={"customer_import": applied.pk, "counts": applied.report.get("counts", {})},
    )


@core_file_loader(CoreFileKind.ACCOUNTS)
def _load_accounts(file: CoreFileInput) -> CoreFileLoaded:
    import io

    try:
        result = core_export_import(
            source=io.StringIO(core_file_text(file.data), newline=""),
            as_of=file.business_date,
            branch=file.branch,
        )
    except CoreImportError as exc:
        raise CoreFileRefused(exc.message, report={"bad": exc.details}) from exc
    return CoreFileLoaded(
        rows=result.rows,
        counts={"created": result.created, "updated": result.updated},
    )


# --- reading the folder -------------------------------------------------------------------


@dataclass(frozen=True)
class _Dropped:
    path: Path
    branch_code: str
    business_date: dt.date
    kind: str


def _dropped(folder: Path) -> Iterator[_Dropped]:
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if not match or not path.is_file():
            continue
        try:
            day = dt.datetime.strptime(match["date"], "%Y%m%d").date()
        except ValueError:
            continue
        yield _Dropped(path, match["branch"], day, match["kind"].lower())


def _split_trailer(data: bytes) -> tuple[bytes, tuple[str, str] | None]:
    body = data.rstrip(b"\r\n")
    cut = body.rfind(b"\n")
    last = body[cut + 1 :]
    if not last.startswith(b"#"):
        return data, None
    match = TRAILER.match(last)
    if match is None:
        raise CoreFileRefused(
            _(
                "The last line “{line}” is not a trailer this system knows (#rows,<n> or "
                "#sha256,<hex>)."
            ).format(line=last.decode("utf-8", "replace")[:80])
        )
    return data[: cut + 1], (match["what"].decode(), match["value"].decode().lower())


def _check_sha256(body: bytes, trailer: tuple[str, str] | None) -> None:
    if trailer and trailer[0] == "sha256" and hashlib.sha256(body).hexdigest() != trailer[1]:
        raise CoreFileRefused(
            _("The file's SHA-256 is not the one its last line gives: it did not arrive whole.")
        )


def _check_rows(loaded: CoreFileLoaded, trailer: tuple[str, str] | None) -> None:
    if trailer and trailer[0] == "rows" and int(trailer[1]) != loaded.rows:
        raise CoreFileRefused(
            _(
                "The file has {found} line(s) of data, its last line says {said}: it did not "
                "arrive whole."
            ).format(found=loaded.rows, said=int(trailer[1]))
        )


# --- moving, after the commit --------------------------------------------------------------


def _move(path: Path, to: str, reason: str = "") -> None:
    """Out of the drop folder, never over an earlier file of the same name. A failure is
    logged: the record already says the file was taken, and the next run moves it."""
    try:
        folder = path.parent / to
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / path.name
        if target.exists():
            stamp = timezone.now().astimezone(BEIJING).strftime("%Y%m%dT%H%M%S%f")
            target = folder / f"{path.name}.{stamp}"
        shutil.move(str(path), str(target))
        if reason:
            target.with_name(target.name + ".reason.txt").write_text(reason + "\n", "utf-8")
    except OSError:
        logger.exception("could not move %s to %s/", path, to)


def _after_commit(path: Path, to: str, reason: str = "") -> None:
    transaction.on_commit(partial(_move, path, to, reason))


# --- one file -----------------------------------------------------------------------------


def _refuse(
    dropped: _Dropped,
    branch: Branch,
    digest: str,
    run_id: int | None,
    refusal: CoreFileRefused,
) -> None:
    CoreFile.objects.create(
        branch=branch,
        business_date=dropped.business_date,
        kind=dropped.kind,
        name=dropped.path.name,
        digest=digest,
        state=CoreFileState.REFUSED,
        run_id=run_id,
        reason=refusal.reason,
        report=refusal.report,
    )
    _after_commit(dropped.path, REFUSED, refusal.reason)


def _digest_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(partial(source.read, 2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def _take(
    dropped: _Dropped, branch: Branch, business_date: dt.date, run_id: int | None
) -> tuple[str, int]:
    """Load or refuse one file; returns what became of it (a key of the run's counts) and
    the lines it loaded."""
    path = dropped.path
    too_large = path.stat().st_size > max_bytes()
    data = b"" if too_large else path.read_bytes()
    digest = _digest_of(path) if too_large else hashlib.sha256(data).hexdigest()

    earlier = CoreFile.objects.filter(digest=digest, state=CoreFileState.LOADED).first()
    if earlier is not None:
        if earlier.name == path.name:  # loaded, but the move did not happen: do it now
            _after_commit(path, PROCESSED)
            return "moved_late", 0
        reason = _("The same bytes were already loaded as {name} on {date}.").format(
            name=earlier.name, date=earlier.taken_at.astimezone(BEIJING).date().isoformat()
        )
        _after_commit(path, REFUSED, reason)
        return "duplicates", 0
    if CoreFile.objects.filter(digest=digest, name=path.name, state=CoreFileState.REFUSED).exists():
        _after_commit(path, REFUSED)  # refused already: only the move is left to do
        return "moved_late", 0

    try:
        if too_large:
            raise CoreFileRefused(
                _("The file is larger than the {max} MB a core-system file can be.").format(
                    max=max_bytes() // 2**20
                )
            )
        if dropped.business_date < business_date:
            raise CoreFileRefused(
                _(
                    "The file is for {day}, this run for {today}: put it back and run the job "
                    "for {day}."
                ).format(day=dropped.business_date.isoformat(), today=business_date.isoformat())
            )
        if CoreFile.objects.filter(
            branch=branch,
            business_date=dropped.business_date,
            kind=dropped.kind,
            state=CoreFileState.LOADED,
        ).exists():
            raise CoreFileRefused(
                _("A {kind} file for {day} is already loaded; load a correction by hand.").format(
                    kind=CoreFileKind(dropped.kind).label, day=dropped.business_date.isoformat()
                )
            )
        loader = _loaders.get(dropped.kind)
        if loader is None:
            raise CoreFileRefused(_("No loader is installed for this kind of file."))
        body, trailer = _split_trailer(data)
        _check_sha256(body, trailer)
        # One savepoint per file: a refusal undoes this file's writes and nothing else.
        with transaction.atomic():
            loaded = loader(CoreFileInput(branch, dropped.business_date, path.name, body))
            _check_rows(loaded, trailer)
            _record_loaded(dropped, branch, digest, run_id, loaded)
    except CoreFileRefused as refusal:
        _refuse(dropped, branch, digest, run_id, refusal)
        return "refused", 0
    except ApplicationError as error:
        _refuse(dropped, branch, digest, run_id, CoreFileRefused(error.message))
        return "refused", 0
    return "loaded", loaded.rows


def _record_loaded(
    dropped: _Dropped, branch: Branch, digest: str, run_id: int | None, loaded: CoreFileLoaded
) -> None:
    CoreFile.objects.create(
        branch=branch,
        business_date=dropped.business_date,
        kind=dropped.kind,
        name=dropped.path.name,
        digest=digest,
        state=CoreFileState.LOADED,
        run_id=run_id,
        rows=loaded.rows,
        counts=loaded.counts,
        report=loaded.report,
    )
    _after_commit(dropped.path, PROCESSED)


def core_files_take(
    *,
    branch: Branch,
    business_date: dt.date,
    run_id: int | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Take the branch's files for `business_date` (and refuse its older ones) from the drop
    folder; call inside one transaction, which decides when the files move. Returns the
    run's figures: loaded.<kind>, refused.<kind>, rows, duplicates, moved_late."""
    mine = sorted(
        (
            d
            for d in _dropped(drop_dir())
            if d.branch_code.upper() == branch.code.upper() and d.business_date <= business_date
        ),
        key=lambda d: (d.business_date, KIND_ORDER.index(d.kind), d.path.name),
    )
    counts: Counter[str] = Counter()
    for done, dropped in enumerate(mine):
        if progress:
            progress(done, len(mine))
        outcome, rows = _take(dropped, branch, business_date, run_id)
        if outcome in ("loaded", "refused"):
            counts[f"{outcome}.{dropped.kind}"] += 1
        else:
            counts[outcome] += 1
        counts["rows"] += rows
    return dict(counts)


# --- what has not come -------------------------------------------------------------------


@dataclass(frozen=True)
class CoreFileOverdue:
    kind: str
    due_at: dt.datetime
    expected_name: str
    refused_reason: str  # the last refusal of that day's file, if one came and was refused


def due_times() -> dict[str, dt.time]:
    """CORE_FILES_DUE_AT: the time (Beijing, "HH:MM") each kind must have loaded by; a kind
    left out is not expected."""
    times = {}
    for kind, text in getattr(settings, "CORE_FILES_DUE_AT", {}).items():
        hour, minute = (int(part) for part in str(text).split(":"))
        times[str(kind)] = dt.time(hour, minute)
    return times


def core_files_overdue(
    *, branch: Branch, business_date: dt.date, now: dt.datetime | None = None
) -> list[CoreFileOverdue]:
    """The kinds whose due time on `business_date` has passed without a loaded file."""
    now = now or timezone.now()
    overdue = []
    for kind, due in sorted(due_times().items(), key=lambda item: KIND_ORDER.index(item[0])):
        due_at = dt.datetime.combine(business_date, due, tzinfo=BEIJING)
        if now < due_at:
            continue
        files = CoreFile.objects.filter(branch=branch, business_date=business_date, kind=kind)
        if files.filter(state=CoreFileState.LOADED).exists():
            continue
        refused = files.filter(state=CoreFileState.REFUSED).order_by("-taken_at", "-pk").first()
        overdue.append(
            CoreFileOverdue(
                kind=kind,
                due_at=due_at,
                expected_name=file_name(branch, business_date, kind),
                refused_reason=refused.reason if refused else "",
            )
        )
    return overdue
