import argparse
import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from core_system.imports import COLUMNS, CoreImportError, core_export_import
from kernel.calendar import beijing_today
from kernel.errors import InvalidInput
from kernel.params import date_param


def _date(value: str) -> dt.date | None:
    try:
        return date_param(value, name="--as-of")
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(exc.message) from exc


def _encoding(value: str) -> str:
    """A text encoding Python knows ("gbk", "gb18030", "utf-8-sig" …); a codec that is not
    one (base64, rot13) is refused too."""
    try:
        "".encode(value)
    except LookupError as exc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a text encoding Python knows (try gbk, gb18030 or utf-8)"
        ) from exc
    return value


class Command(BaseCommand):
    help = (
        "Load the core trading system's daily export (CSV) into the core-system account "
        "states. Every row is checked first; one bad row and nothing changes. "
        f"Columns: {', '.join(COLUMNS)}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the export, a CSV file with a header row")
        parser.add_argument(
            "--as-of",
            type=_date,
            default=None,
            help="the date the export describes (YYYY-MM-DD; default: today in Beijing)",
        )
        parser.add_argument(
            "--encoding",
            type=_encoding,
            default="utf-8-sig",
            help="the file's encoding (default utf-8, with or without BOM; the core system "
            "may write gbk)",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        as_of = options["as_of"] or beijing_today()
        assert isinstance(as_of, dt.date)
        encoding = str(options["encoding"])
        try:
            with path.open(encoding=encoding, newline="") as source:
                rows = max(sum(1 for _line in source) - 1, 0)
                source.seek(0)
                result = core_export_import(
                    source=source,
                    as_of=as_of,
                    progress=lambda it: tqdm(it, total=rows, unit="row", disable=None),
                )
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path} is not valid {encoding}: try --encoding gbk ({exc.reason})"
            ) from exc
        except CoreImportError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"core export as of {as_of}: {result.rows} row(s) loaded — "
                f"{result.created} new, {result.updated} updated; "
                f"{result.not_listed} customer(s) not in the file left as they were"
            )
        )
