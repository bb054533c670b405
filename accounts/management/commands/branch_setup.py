"""Go-live, step one: the branch, with its code and name (README, "Going live at a branch").
Running it again changes only what is given. The branch works by the firm's norm from its
first day; its general manager refines it on the branch's rules page (Art. 35)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.norm.resolve import rule_set
from accounts.services import branch_configure
from kernel.errors import ApplicationError


class Command(BaseCommand):
    help = "Create a branch or change its name; it follows the firm's norm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the branch code, e.g. SZ001")
        parser.add_argument("--name", help="the branch's name, e.g. 鹏程证券深圳福华路营业部")

    def handle(self, *args: object, **options: object) -> None:
        try:
            branch, created = branch_configure(code=str(options["code"]), name=options["name"])
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        rules = rule_set(branch.pk)
        version = f"v{rules.version.number}" if rules.version else "-"
        self.stdout.write(
            f"{'created' if created else 'updated'} branch {branch.code} (id {branch.pk}) "
            f"{branch.name}; norm {version}: important from {rules['tier.important_assets']:,} "
            f"assets or {rules['tier.important_volume']:,} volume, core from "
            f"{rules['tier.core_assets']:,} or {rules['tier.core_volume']:,}"
        )
