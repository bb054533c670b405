"""Go-live, step one: the branch, with its code, name and Art. 17 tier thresholds (README,
"Going live at a branch"). Running it again changes only what is given."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import branch_configure
from kernel.errors import ApplicationError


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise CommandError(f"not an amount: {text!r}") from exc


class Command(BaseCommand):
    help = "Create a branch or change its settings (name, tier thresholds, counter wait)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the branch code, e.g. SZ001")
        parser.add_argument("--name", help="the branch's name, e.g. 鹏程证券深圳福华路营业部")
        parser.add_argument("--important-assets", type=_amount)
        parser.add_argument("--important-volume", type=_amount)
        parser.add_argument("--core-assets", type=_amount)
        parser.add_argument("--core-volume", type=_amount)
        parser.add_argument("--approval-wait-minutes", type=int)

    def handle(self, *args: object, **options: object) -> None:
        try:
            branch, created = branch_configure(
                code=str(options["code"]),
                name=options["name"],
                important_assets=options["important_assets"],
                important_volume=options["important_volume"],
                core_assets=options["core_assets"],
                core_volume=options["core_volume"],
                approval_wait_alert_minutes=options["approval_wait_minutes"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(
            f"{'created' if created else 'updated'} branch {branch.code} (id {branch.pk}) "
            f"{branch.name}: important from {branch.important_assets:,} assets or "
            f"{branch.important_volume:,} volume, core from {branch.core_assets:,} or "
            f"{branch.core_volume:,}"
        )
