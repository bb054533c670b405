"""Issue 7: the counter's search by name (accounts/selectors.py customer_search) finds its rows
through an index instead of reading every customer of the branch. PostgreSQL only; on SQLite
the search reads the branch as before and this migration does nothing.

Two GIN indexes, because pg_trgm extracts no trigram from a LIKE pattern shorter than three
characters, and many Chinese names are two:
- UPPER(name) gin_trgm_ops serves `UPPER(name::text) LIKE UPPER('%…%')` (Django's icontains)
  for three characters or more;
- string_to_array(UPPER(name), NULL), the name's characters, serves one or two: the selector
  adds "contains every character of the query" next to the icontains, which it implies, so
  the answer is the same and the planner has an index for it.
The expressions must stay exactly what the selector generates, or the planner ignores them.

CONCURRENTLY, outside a transaction: the customer table takes writes during opening hours and
a plain CREATE INDEX would block them for the build (seconds at a million rows). pg_trgm is a
trusted extension (PostgreSQL 13+), so the database owner may create it; going back drops the
indexes and leaves the extension, which other objects may use."""

from django.db import migrations

INDEXES = {
    "accounts_customer_name_trgm": "USING gin (UPPER(name) gin_trgm_ops)",
    "accounts_customer_name_chars": "USING gin (string_to_array(UPPER(name), NULL))",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON accounts_customer {definition}"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("accounts", "0003_customer_access_log"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
