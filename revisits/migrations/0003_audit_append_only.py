"""The revisit tasks' audit trail is append-only in PostgreSQL itself (UPDATE and DELETE are
refused by a trigger, from any client with the application's role)."""

from django.db import migrations

from kernel.audit import add_append_only_triggers, drop_append_only_triggers

TABLES = ["revisits_revisittaskauditentry"]


class Migration(migrations.Migration):
    dependencies = [("revisits", "0002_task_fsm_and_audit_trail")]

    operations = [
        migrations.RunPython(
            lambda apps, editor: add_append_only_triggers(editor, TABLES),
            lambda apps, editor: drop_append_only_triggers(editor, TABLES),
        ),
    ]
