"""The receipt's print log is append-only in PostgreSQL itself (UPDATE and DELETE are refused
by a trigger, from any client with the application's role)."""

from django.db import migrations

from kernel.audit import add_append_only_triggers, drop_append_only_triggers

TABLES = ["transfers_receiptprint"]


class Migration(migrations.Migration):
    dependencies = [("transfers", "0013_receipt_print")]

    operations = [
        migrations.RunPython(
            lambda apps, editor: add_append_only_triggers(editor, TABLES),
            lambda apps, editor: drop_append_only_triggers(editor, TABLES),
        ),
    ]
