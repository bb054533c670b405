from django.core.management.base import BaseCommand

from kernel.calendar import calendar_seed_from_package


class Command(BaseCommand):
    help = "Load the Shanghai/Shenzhen trading calendar from exchange-calendars (idempotent)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--from-year", type=int, default=2015)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        years, holidays = calendar_seed_from_package(first_year=options["from_year"])
        self.stdout.write(f"calendar: {years} year(s), {holidays} holiday(s) added")
