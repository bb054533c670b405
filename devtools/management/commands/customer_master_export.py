"""A generated customer-master export for trying the go-live guide (README, "Going live at a
branch"): GB18030, the branch on the first line, valid identity numbers, the account managers
named by the branch's own staff numbers. With --changed, the next night's delta of the same
customers, named for the drop folder when --drop is given."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Branch, Staff
from accounts.roles import Role
from devtools.customer_master_export import write_export


class Command(BaseCommand):
    help = "Write a made-up customer-master export (GB18030 CSV) for a branch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="where to write the CSV")
        parser.add_argument("--branch", required=True, help="the branch code, e.g. SZ001")
        parser.add_argument("--customers", type=int, default=200_000)
        parser.add_argument(
            "--changed", type=int, default=0, help="write the delta: this many changed customers"
        )

    def handle(self, *args: object, **options: object) -> None:
        branch = Branch.objects.filter(code=str(options["branch"]).upper()).first()
        if branch is None:
            raise CommandError(f"no branch {options['branch']}: run branch_setup first")
        managers = sorted(
            str(number)
            for number in Staff.objects.filter(
                branch=branch,
                is_active=True,
                groups__name=Role.ACCOUNT_MANAGER,
                staff_number__isnull=False,
            )
            .exclude(staff_number="")
            .values_list("staff_number", flat=True)
            .distinct()
        )
        if not managers:
            raise CommandError(
                f"{branch.code} has no active account manager with a staff number: the "
                "export names each customer's manager by it (sign them in through the "
                "directory, or set it in the admin)"
            )
        count, changed = int(str(options["customers"])), int(str(options["changed"]))
        if not 0 <= changed <= count:
            raise CommandError("--changed must be between 0 and --customers")
        path = write_export(
            Path(str(options["path"])),
            branch=branch.code,
            count=count,
            managers=managers,
            changed=changed,
        )
        self.stdout.write(
            f"wrote {path} ({changed or count} customers, {len(managers)} account managers)"
        )
