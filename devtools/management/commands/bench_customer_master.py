"""Time the customer-master import at scale (docs/PERFORMANCE.md): preview and apply of a
full export of N customers, then a night's delta, with the process's peak memory."""

import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from accounts.models import Branch, Customer, Staff
from core_system.customer_master import customer_master_apply, customer_master_preview
from devtools.customer_master_export import write_export


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Benchmark the customer-master import: N customers, then a delta of changes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=200_000)
        parser.add_argument("--delta", type=int, default=2_000)
        parser.add_argument("--branch", default="BM001")

    def handle(self, *args: object, **options: object) -> None:
        count, delta = int(str(options["customers"])), int(str(options["delta"]))
        branch, _ = Branch.objects.get_or_create(
            code=str(options["branch"]), defaults={"name": "bench"}
        )
        numbers = [f"M{n:03d}" for n in range(20)]
        for number in numbers:
            Staff.objects.get_or_create(
                username=f"bench-{branch.code}-{number}",
                defaults={"branch": branch, "staff_number": f"{branch.code}{number}"},
            )
        # The tier history is append-only: a rerun needs a branch of its own, not a cleanup.
        assert not Customer.objects.filter(branch=branch).exists(), "use a new --branch"
        with tempfile.TemporaryDirectory() as tmp:
            full = write_export(
                Path(tmp) / "full.csv",
                branch=branch.code,
                count=count,
                managers=[f"{branch.code}{n}" for n in numbers],
            )
            night = write_export(
                Path(tmp) / "delta.csv",
                branch=branch.code,
                count=count,
                managers=[f"{branch.code}{n}" for n in numbers],
                changed=delta,
            )
            for label, path in ((f"full {count}", full), (f"delta {delta}", night)):
                data = path.read_bytes()
                start = time.perf_counter()
                preview = customer_master_preview(branch=branch, data=data, filename=path.name)
                previewed = time.perf_counter() - start
                assert preview.applicable, preview.report["bad"][:5]
                start = time.perf_counter()
                customer_master_apply(preview=preview, data=data)
                applied = time.perf_counter() - start
                self.stdout.write(
                    f"| {label} | {len(data) / 2**20:.1f} MB | {previewed:.1f} s | "
                    f"{applied:.1f} s | {_peak_mb():.0f} MB |"
                )
