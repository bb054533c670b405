"""Re-encrypt every personal value with the first key of PII_ENCRYPTION_KEYS and recompute
every digest with PII_HASH_KEY. Rotation: put the new key first, keep the old ones after it,
run this, then drop the old keys. Safe to run twice."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from accounts.pii import PiiDigestField, digest_fields, encrypted_fields


class Command(BaseCommand):
    help = "Re-encrypt personal values with the current key and recompute their digests."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields or model._meta.proxy:  # a proxy's rows are its concrete model's
                continue
            fields += digest_fields(model)
            queryset = model._default_manager.order_by("pk")
            total = queryset.count()
            label = model._meta.label
            pks = list(queryset.values_list("pk", flat=True))
            with tqdm(total=total, desc=label, disable=options["verbosity"] == 0) as bar:
                for start in range(0, total, batch_size):
                    with transaction.atomic():
                        rows = list(
                            queryset.filter(pk__in=pks[start : start + batch_size])
                            .select_for_update()
                            .only("pk", *fields)
                        )
                        for row in rows:
                            # pre_save recomputes the digests from the decrypted values.
                            for field in model._meta.concrete_fields:
                                if isinstance(field, PiiDigestField):
                                    field.pre_save(row, add=False)
                        model._default_manager.bulk_update(rows, fields)
                    bar.update(len(rows))
            self.stdout.write(f"{label}: {total} rows re-encrypted")
