"""Trigram (pg_trgm) indexes so that 'contains' searches on phone, name and address use an index on
PostgreSQL. SQLite has no such index type; there this migration does nothing."""

from django.db import migrations

INDEXES = [
    ("customer_phone_trgm", "customers_customer", "phone"),
    ("customer_name_trgm", "customers_customer", "name"),
    ("customer_address_trgm", "customers_customer", "address"),
    ("contact_phone_trgm", "customers_contactperson", "phone"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
