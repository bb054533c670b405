"""The demo seeders' one safety catch: they create staff with a published password and
made-up customers, so they run only where DEBUG is on (make run) unless told explicitly."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

FORCE_FLAG = "--create-demo-data-with-published-passwords"


class DemoCommand(BaseCommand):
    creates = "demo data"  # what the refusal names

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            FORCE_FLAG,
            action="store_true",
            dest="force_demo",
            help="run although DEBUG is off: creates demo staff whose password is public",
        )

    def execute(self, *args: Any, **options: Any) -> Any:
        if not settings.DEBUG and not options.get("force_demo"):
            raise CommandError(
                f"DEBUG is off: this looks like a real installation. This command creates "
                f"{self.creates}. Run it only on a demo or test database, with {FORCE_FLAG}."
            )
        return super().execute(*args, **options)
