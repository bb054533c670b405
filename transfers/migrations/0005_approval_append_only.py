"""Approvals are never changed or removed in PostgreSQL itself; only the written sign-off of a
phone approval is added, once (Art. 17)."""

from django.db import migrations

from kernel.audit import add_sign_off_only_trigger, drop_sign_off_only_trigger

TABLE = "transfers_approval"


class Migration(migrations.Migration):
    dependencies = [("transfers", "0004_pii_encrypted")]

    operations = [
        migrations.RunPython(
            lambda apps, editor: add_sign_off_only_trigger(editor, TABLE),
            lambda apps, editor: drop_sign_off_only_trigger(editor, TABLE),
        ),
    ]
