"""The restore drill (operations/restore.py): one command restores the database to a moment
and the media into a fresh place, verifies the copy, and reports the recovery point and the
time it took.

    manage.py restore_drill --target-time "2026-12-01 21:30:00+08" --into /srv/drill \
        [--media-into /srv/drill-media] [--expected-counts counts.json] [--keep-running]
    manage.py restore_drill --record-counts counts.json   # a rehearsal's witness at the target
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.errors import ApplicationError
from operations import backup, restore, restore_checks


class Command(BaseCommand):
    help = "Restore the database (to a point in time) and the media into a fresh place, and verify."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--target-time", help='e.g. "2026-12-01 21:30:00+08"; default: latest')
        parser.add_argument("--into", help="an empty folder for the restored database")
        parser.add_argument("--media-into", help="an empty folder for the restored media")
        parser.add_argument("--expected-counts", help="the counts recorded at the target time")
        parser.add_argument("--record-counts", help="write this database's counts now, and stop")
        parser.add_argument("--keep-running", action="store_true", help="leave the copy running")
        parser.add_argument("--port", type=int, help="the copy's port (default: a free one)")
        parser.add_argument("--run-as", help="the system user PostgreSQL runs as (root: postgres)")
        parser.add_argument(
            "--db-user", help="the database role to check as (default: the source's)"
        )
        parser.add_argument("--config", help="pgBackRest's configuration (PGBACKREST_CONFIG)")
        parser.add_argument("--stanza", help="pgBackRest's stanza (PGBACKREST_STANZA)")
        # The drill's second process, pointed at the copy.
        parser.add_argument("--check-only", action="store_true", help=argparse_hidden())
        parser.add_argument("--no-media", action="store_true", help=argparse_hidden())

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            if options["record_counts"]:
                return self._record(Path(options["record_counts"]))
            if options["check_only"]:
                return self._check(options)
            return self._drill(options)
        except ApplicationError as error:
            raise CommandError(error.message) from None

    def _record(self, path: Path) -> None:
        payload = {
            "recorded_at": timezone.now().isoformat(),
            "counts": restore_checks.table_counts(),
        }
        path.write_text(json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8")
        self.stdout.write(
            _("Counts of {n} tables recorded at {at}.").format(
                n=len(payload["counts"]), at=payload["recorded_at"]
            )
        )

    def _drill(self, options):  # type: ignore[no-untyped-def]
        if not options["into"]:
            raise CommandError(_("Name an empty folder for the restored database with --into."))
        started = time.monotonic()
        target = restore.parse_target(options["target_time"]) if options["target_time"] else None
        # PostgreSQL refuses to run as root.
        run_as = (
            options["run_as"]
            or settings.PGBACKREST_RUN_AS
            or ("postgres" if os.geteuid() == 0 else None)
        )
        source = settings.DATABASES["default"]
        user = options["db_user"] or source.get("USER") or run_as or getpass.getuser()
        into = Path(options["into"]).resolve()
        expected = (
            Path(options["expected_counts"]).resolve() if options["expected_counts"] else None
        )
        media_into = Path(options["media_into"]).resolve() if options["media_into"] else None

        self.stdout.write(
            _("Restoring the database to {target} into {into}…").format(
                target=target.isoformat(sep=" ") if target else _("the latest point"), into=into
            )
        )
        cluster, point = restore.database_restore(
            target=target,
            into=into,
            run_as=run_as,
            user=user,
            port=options["port"],
            config=options["config"],
            stanza=options["stanza"],
        )
        ok = True
        try:
            if media_into is not None:
                snapshot = backup.media_snapshot_for(target=target)
                problems = backup.media_restore(snapshot=snapshot, into=media_into)
                ok = problems.ok
                self.stdout.write(
                    _("Media: snapshot {name} restored into {into}: {result}").format(
                        name=snapshot.name,
                        into=media_into,
                        result=_("every file matches its manifest")
                        if problems.ok
                        else _("{changed} changed, {missing} missing, {unlisted} unlisted").format(
                            changed=len(problems.changed),
                            missing=len(problems.missing),
                            unlisted=len(problems.unlisted),
                        ),
                    )
                )
            url = restore.database_url(cluster=cluster, name=source["NAME"], user=user)
            checks_ok, report = restore.checks_run(
                restored_url=url,
                media=media_into,
                expected_counts=expected,
                compare_with_source=expected is None,
            )
            ok = ok and checks_ok
            self.stdout.write(report)
        finally:
            if options["keep_running"]:
                self.stdout.write(
                    _("The copy keeps running: {url}").format(
                        url=restore.database_url(cluster=cluster, name=source["NAME"], user=user)
                    )
                )
            else:
                cluster.stop()
        elapsed = dt.timedelta(seconds=round(time.monotonic() - started))
        self.stdout.write(_("Recovery point: {point}").format(point=point))
        self.stdout.write(_("Elapsed: {elapsed}").format(elapsed=elapsed))
        if not ok:
            raise CommandError(_("The restore drill failed: see the checks above."))
        self.stdout.write(_("The restore drill passed."))

    def _check(self, options):  # type: ignore[no-untyped-def]
        results = []
        counts = restore_checks.table_counts()
        source_alias = None
        if os.environ.get("DRILL_SOURCE_DATABASE"):
            config = json.loads(os.environ["DRILL_SOURCE_DATABASE"])
            connections.settings["drill_source"] = connections.configure_settings(
                {"drill_source": config}
            )["drill_source"]
            source_alias = "drill_source"
        if options["expected_counts"]:
            recorded = json.loads(Path(options["expected_counts"]).read_text(encoding="utf-8"))
            results.append(
                restore_checks.counts_compare(restored=counts, expected=recorded["counts"])
            )
        elif source_alias:
            shown = restore_checks.counts_compare(
                restored=counts, expected=restore_checks.table_counts(source_alias)
            )
            # After the target the source moves on: shown, not judged.
            results.append(
                restore_checks.CheckResult("row counts (the source now)", True, shown.lines)
            )
            results.append(restore_checks.append_only_prefix("default", source=source_alias))
        results.append(restore_checks.append_only_guarded("default", source=source_alias))
        results.append(restore_checks.numbering_gaps())
        if not options["no_media"]:
            results.append(restore_checks.archives_intact())
        for result in results:
            self.stdout.write(f"== {result.name}: {'ok' if result.ok else 'FAILED'}")
            for line in result.lines:
                self.stdout.write(f"   {line}")
        if not all(r.ok for r in results):
            raise CommandError(_("The restored copy failed a check."))


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS
