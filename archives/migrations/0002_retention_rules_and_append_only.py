"""Seeds the retention rules (twenty years after the relationship ends, the legal floor) and,
on PostgreSQL, makes the access log, the archives' events and the destruction records
append-only in the database itself: the application has no path to change them, and this
closes the paths around it (a shell, a raw query)."""

from django.db import migrations

APPEND_ONLY = ["archives_accesslogentry", "archives_archiveevent", "archives_destructionrecord"]

FUNCTION = """
CREATE OR REPLACE FUNCTION archives_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def seed_rules(apps, schema_editor):
    RetentionRule = apps.get_model("archives", "RetentionRule")
    for category in ("individual", "institution", "transaction", "account"):
        RetentionRule.objects.get_or_create(
            category=category,
            defaults={"years": 20, "note": "证券法：客户资料保存期限不少于二十年"},
        )


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the SQL is sent as written, its % placeholders are PL/pgSQL's.
    schema_editor.execute(FUNCTION, params=None)
    for table in APPEND_ONLY:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION archives_refuse_change()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS archives_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("archives", "0001_initial")]

    operations = [
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
