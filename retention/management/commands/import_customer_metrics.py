from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Branch
from kernel.errors import ApplicationError
from retention.services import metrics_load
from retention.services.warnings import METRICS_COLUMNS, metrics_rows_from_csv


class Command(BaseCommand):
    help = (
        "Load the core system's daily customer figures (assets, trades) for the early "
        f"warning (Art. 5–6). CSV with a header row: {', '.join(METRICS_COLUMNS)}. "
        "Loading a file twice changes nothing; a corrected file overwrites the figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--branch", required=True, help="the branch's code")
        parser.add_argument("--encoding", default="utf-8-sig")

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        branch = Branch.objects.filter(code=options["branch"]).first()
        if branch is None:
            raise CommandError(f"no branch with code {options['branch']!r}")
        try:
            with path.open(encoding=str(options["encoding"]), newline="") as source:
                rows = metrics_rows_from_csv(source)
            result = metrics_load(branch=branch, rows=rows)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path}: wrong encoding, try --encoding gbk ({exc.reason})"
            ) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{result.created} rows added, {result.updated} updated"
            + (
                f"; not customers of {branch.code}: {', '.join(result.unknown_accounts[:20])}"
                if result.unknown_accounts
                else ""
            )
        )
