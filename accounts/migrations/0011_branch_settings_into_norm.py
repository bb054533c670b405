from django.db import migrations

from accounts.norm.carry_over import carry_over
from kernel.audit import add_append_only_triggers, drop_append_only_triggers

TABLES = ["accounts_normversion", "accounts_refinementauditentry"]


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_firm_norm")]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RunPython(
            lambda apps, editor: add_append_only_triggers(editor, TABLES),
            lambda apps, editor: drop_append_only_triggers(editor, TABLES),
        ),
    ]
