"""The table of the "limits" cache (settings.CACHES), which counts each user's number searches a minute
for the search rate limit (issue 11 item 1). A database cache, so that every web worker counts against
the same figure; created here so that `migrate` alone prepares a database (createcachetable is the
stock command that makes it, and it skips a table that exists)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_archive_access_customer_ids_index")]
    # Reversing leaves the table: it holds nothing but counters that expire within a minute.
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
