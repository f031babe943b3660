"""A GIN index on ArchiveAccess.customer_ids, so that a customer's read log finds the lists that showed
it (`customer_ids @> '[42]'`) without reading the whole log. PostgreSQL only: SQLite has no such index
and looks through json_each (a small log in development)."""

from django.db import migrations

INDEX = "access_customer_ids"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_archiveaccess "
        "USING gin (customer_ids jsonb_path_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_archive_access_one_row_per_response")]
    operations = [migrations.RunPython(create_index, drop_index)]
