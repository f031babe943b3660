"""The full-text index over hotline_contact.search_text (see kefu.fulltext.tokens for the tokens).

PostgreSQL: a GIN index on to_tsvector('simple', search_text); the `simple` configuration keeps each
space-separated token as it is (bigrams, numbers), lower-cased, with its position for phrase queries.
Also a trigram index on phone, so that a query of digits finds any part of a phone number.

SQLite: an external-content FTS5 table over the same column, kept in step by triggers. The unicode61
tokenizer counts Chinese characters as letters, so a space-separated bigram stays one token.
"""

from django.db import migrations

from kefu.fulltext.sqlite import create_sqlite_index, drop_sqlite_index

PG_INDEXES = [
    (
        "hotline_contact_search_fts",
        "CREATE INDEX IF NOT EXISTS hotline_contact_search_fts ON hotline_contact "
        "USING gin (to_tsvector('simple'::regconfig, search_text))",
    ),
    (
        "hotline_contact_phone_trgm",
        "CREATE INDEX IF NOT EXISTS hotline_contact_phone_trgm ON hotline_contact USING gin (phone gin_trgm_ops)",
    ),
]


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for _name, sql in PG_INDEXES:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        create_sqlite_index(schema_editor.connection)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name, _sql in PG_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    elif vendor == "sqlite":
        drop_sqlite_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("hotline", "0002_shipped_categories")]
    operations = [migrations.RunPython(create_index, drop_index)]
