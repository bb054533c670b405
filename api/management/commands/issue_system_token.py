"""Issue a system token: `manage.py issue_system_token --branch SH01 --acting-as clerk1
--scopes transfers:read transfers:write --name "core system"`. The key is printed once;
only its SHA-256 is stored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Branch, Staff
from api.authentication import system_token_issue
from api.permissions import SCOPES


class Command(BaseCommand):
    help = "Issue an API token for a system, acting as a named member of a branch's staff."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--branch", required=True, help="Branch code")
        parser.add_argument("--name", required=True, help="Which system holds it")
        parser.add_argument(
            "--acting-as", required=True, help="Username of the staff member it acts as"
        )
        parser.add_argument("--scopes", nargs="+", required=True, choices=sorted(SCOPES))

    def handle(self, *args: Any, **options: Any) -> None:
        branch = Branch.objects.filter(code=options["branch"]).first()
        if branch is None:
            raise CommandError(f"No branch {options['branch']}.")
        person = Staff.objects.filter(
            username=options["acting_as"], branch=branch, is_active=True
        ).first()
        if person is None:
            raise CommandError(f"No active staff {options['acting_as']} in {branch.code}.")
        _, key = system_token_issue(
            name=options["name"], branch=branch, acting_as=person, scopes=options["scopes"]
        )
        self.stdout.write("The token, shown this once (store it in the system's secrets):")
        self.stdout.write(key)
