"""Indexes for the catalogue's search on PostgreSQL (D1; bench: 1,000,000 files, search by number or
customer ≤ 50 ms p95).

- `archives_file_number_c`: the catalogue number in the "C" collation. The unique index of 0001 uses the
  database's collation, which serves neither `LIKE 'YW-2026%'` nor an ORDER BY that a prefix range can
  walk; in "C" one b-tree does both, so a number prefix reads one index range, newest number first.
- `archives_file_title_trgm`: "title contains" (pg_trgm, already installed by customers 0002).
SQLite compares bytes already and has no pg_trgm; nothing to do there. Schema only, reversible."""

from django.db import migrations

INDEXES = [
    ("archives_file_number_c", 'archives_archivefile (catalogue_number COLLATE "C")'),
    ("archives_file_title_trgm", "archives_archivefile USING gin (title gin_trgm_ops)"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, target in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _target in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("archives", "0001_initial"), ("customers", "0002_trigram_search_indexes")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
