"""Demo archives on top of seed_demo's branch (see devtools/demo_archives.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation

from accounts.models import Branch
from devtools.demo_archives import archives_seed_demo
from devtools.management.demo_command import DemoCommand


class Command(DemoCommand):
    creates = "demo archive records for every branch"
    help = "File the demo branch's ended requests and add demo archive records (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            for branch in Branch.objects.order_by("code"):
                with transaction.atomic():
                    counts = archives_seed_demo(branch=branch)
                self.stdout.write(f"{branch.code}: {counts}")
