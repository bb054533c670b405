import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from accounts.models import Branch, Staff
from core_system.customer_master import (
    COLUMNS,
    customer_master_apply,
    customer_master_preview,
    max_bytes,
)
from core_system.models import CustomerImport
from kernel.errors import ApplicationError

# Bad input (a file that cannot be applied) exits with 2, like a usage error: nothing loaded.
BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Preview the core system's customer master (CSV in UTF-8 or GB18030, or XLSX) for a "
        "branch and print what applying it would do; --apply PREVIEW_ID loads the previewed "
        "file, --apply-now previews and applies in one go. Nothing is loaded while any line "
        f"is bad (exit code 2). Columns: {', '.join(COLUMNS)} (and branch)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the export file")
        parser.add_argument("--branch", required=True, help="the branch's code, e.g. SZ001")
        parser.add_argument(
            "--full", action="store_true", help="a full export: report who is absent"
        )
        parser.add_argument("--encoding", default=None, help="the file's encoding if not guessed")
        parser.add_argument(
            "--apply", type=int, default=None, metavar="PREVIEW_ID", help="apply this preview"
        )
        parser.add_argument(
            "--apply-now", action="store_true", help="preview, then apply if every line is good"
        )
        parser.add_argument("--as-user", default=None, help="the username recorded as actor")
        parser.add_argument("--json", action="store_true", help="print the full report as JSON")

    def _fail(self, message: str) -> None:
        self.stderr.write(message)
        raise SystemExit(BAD_INPUT)

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        branch = Branch.objects.filter(code=options["branch"]).first()
        if branch is None:
            raise CommandError(f"no branch with the code {options['branch']!r}")
        actor = None
        if options["as_user"]:
            actor = Staff.objects.filter(username=options["as_user"], branch=branch).first()
            if actor is None:
                raise CommandError(f"no staff member {options['as_user']!r} at {branch.code}")
        try:
            if path.stat().st_size > max_bytes():
                self._fail(
                    f"{path} is {path.stat().st_size // 2**20} MB, more than the "
                    f"{max_bytes() // 2**20} MB a customer master can be: nothing loaded"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc

        bar = tqdm(unit="line", disable=None)

        def progress(done: int, total: int | None) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            if options["apply"] is not None:
                preview = CustomerImport.objects.filter(
                    pk=int(str(options["apply"])), branch=branch
                ).first()
                if preview is None:
                    self._fail(f"no preview {options['apply']} for branch {branch.code}")
                assert preview is not None
            else:
                preview = customer_master_preview(
                    branch=branch,
                    data=data,
                    filename=path.name,
                    full=bool(options["full"]),
                    encoding=str(options["encoding"]) if options["encoding"] else None,
                    actor=actor,
                    progress=progress,
                )
                self._print(preview, as_json=bool(options["json"]))
                if not preview.applicable:
                    self._fail(preview.report["refusal"])
                if not options["apply_now"]:
                    self.stdout.write(
                        f"preview {preview.pk}: to load it, run again with --apply {preview.pk}"
                    )
                    return
            applied = customer_master_apply(
                preview=preview, data=data, actor=actor, progress=progress
            )
        except ApplicationError as exc:
            self._fail(exc.message)
        finally:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"preview {applied.pk} applied: {applied.new} new, {applied.changed} changed, "
                f"{applied.unchanged} unchanged"
            )
        )

    def _print(self, preview: CustomerImport, *, as_json: bool) -> None:
        report = preview.report
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
            return
        counts = report["counts"]
        self.stdout.write(
            f"preview {preview.pk} of {preview.filename} for {preview.branch.code} "
            f"({report.get('format')}, {report.get('encoding') or '-'}): "
            f"{counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged, "
            f"{counts['absent']} absent, {counts['bad']} bad line(s); "
            f"{counts['tier_changes']} tier change(s), {counts['manager_changes']} manager "
            f"change(s), {counts['departed_manager']} customer(s) of a manager who left"
        )
        for entry in report["changed"][:50]:
            fields = ", ".join(f"{k}: {v[0]} → {v[1]}" for k, v in entry["fields"].items())
            self.stdout.write(f"  changed line {entry['line']} {entry['fund_account']}: {fields}")
        for entry in report["departed_manager"][:50]:
            self.stdout.write(
                f"  line {entry['line']} {entry['fund_account']}: account manager "
                f"{entry['staff_number']} has left — reassign through the departure flow "
                "(Art. 28)"
            )
        for account in report["absent"][:50]:
            self.stdout.write(f"  absent from the full export (kept): {account}")
        for entry in report["bad"]:
            self.stdout.write(f"  line {entry['line']}: {'; '.join(entry['reasons'])}")
