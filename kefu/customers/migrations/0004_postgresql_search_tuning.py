"""PostgreSQL only, for search on a million customers (docs/PERFORMANCE.md); SQLite is left alone.

1. Finer planner statistics for the columns the search box reads. With the default 100 histogram
   buckets PostgreSQL guesses that a fragment such as '%2641%' or a prefix such as '邓国%' matches
   about 1% of a million customers when a few hundred do, and picks plans that read far more than
   needed. 1000 buckets give estimates good enough to choose the search indexes.
2. customer_initials_prefix carries id and service_area_id (INCLUDE, which SQLite lacks: hence
   here and not in the model): initials such as wjg are shared by thousands of customers, and a
   search, scoped by area for unit staff, then reads the index only.
"""

from django.db import migrations

STATISTICS = [
    ("customers_customer", "name"),
    ("customers_customer", "name_initials"),
    ("customers_customer", "name_pinyin"),
    ("customers_customer", "phone"),
    ("customers_customer", "address"),
    ("customers_customer", "id_number"),
    ("customers_contactperson", "phone"),
]
INITIALS_INDEX = (
    "CREATE INDEX customer_initials_prefix ON customers_customer (name_initials varchar_pattern_ops){}"
)


def tune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in STATISTICS:
        schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STATISTICS 1000')
    schema_editor.execute("DROP INDEX IF EXISTS customer_initials_prefix")
    schema_editor.execute(INITIALS_INDEX.format(" INCLUDE (id, service_area_id)"))


def untune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in STATISTICS:
        schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STATISTICS -1')
    schema_editor.execute("DROP INDEX IF EXISTS customer_initials_prefix")
    schema_editor.execute(INITIALS_INDEX.format(""))


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_search_and_bulk_write_indexes")]
    operations = [migrations.RunPython(tune, untune)]
