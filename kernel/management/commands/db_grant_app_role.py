import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from kernel.dbroles import RoleGrantRefused, app_role_grant


class Command(BaseCommand):
    help = (
        "Run as the tables' owner after migrate: create the application's database role if "
        "needed and leave it only SELECT/INSERT/UPDATE/DELETE on every table (USAGE/SELECT on "
        "sequences), for later migrations' tables too; no TRUNCATE, no ownership, no CREATE "
        "in the schema. Idempotent."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("role", help="the role web, worker and beat connect as")
        parser.add_argument(
            "--password-from-env",
            metavar="VARIABLE",
            help="set the role's password from this environment variable (never on the "
            "command line, where every process list shows it)",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        password = None
        if options["password_from_env"]:
            password = os.environ.get(options["password_from_env"], "")
            if not password:
                raise CommandError(f"{options['password_from_env']} is not set or is empty.")
        try:
            report = app_role_grant(
                connection=connections[options["database"]],
                role=options["role"],
                password=password,
            )
        except (RoleGrantRefused, DatabaseError) as exc:
            raise CommandError(f"{exc} (nothing was changed)") from exc
        self.stdout.write(
            f"role {report.role} {'created' if report.created else 'kept'}: row rights on "
            f"{report.tables} table(s) and {report.sequences} sequence(s) of "
            f"{report.database}.{report.schema}, and on what {report.owner} creates there later"
        )
