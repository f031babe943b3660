"""The SQLite side of the index: an external-content FTS5 table over hotline_contact.search_text and the
triggers that keep it in step.

The triggers need looking after. When a later migration alters hotline_contact, Django's SQLite schema
editor rebuilds the table (create new, copy, drop old, rename), and dropping the old table drops its
triggers with it, so the index would silently stop following changes. `ensure_sqlite_index` runs after
every `migrate` (see apps.py) and puts back whatever is missing, rebuilding the index from the table.

Migration 0001 calls these functions: change the SQL here only together with a new migration.
"""

FTS_TABLE = "fulltext_contact_fts"

CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_text, content='hotline_contact', content_rowid='id', tokenize='unicode61')"
)

# `delete` must be given the old text exactly as it was indexed; the triggers are the only writers, so
# it is. The update trigger fires only when the text really changed, not on every save of a contact.
TRIGGERS = {
    "fulltext_contact_ai": f"""
        CREATE TRIGGER IF NOT EXISTS fulltext_contact_ai AFTER INSERT ON hotline_contact BEGIN
            INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "fulltext_contact_ad": f"""
        CREATE TRIGGER IF NOT EXISTS fulltext_contact_ad AFTER DELETE ON hotline_contact BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        END""",
    "fulltext_contact_au": f"""
        CREATE TRIGGER IF NOT EXISTS fulltext_contact_au AFTER UPDATE OF search_text ON hotline_contact
        WHEN old.search_text IS NOT new.search_text BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
            INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}


def create_sqlite_index(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        for sql in TRIGGERS.values():
            cursor.execute(sql)
        # Contacts saved before the index existed.
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def drop_sqlite_index(connection) -> None:
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def ensure_sqlite_index(connection) -> bool:
    """Recreate missing triggers and rebuild the index; True if anything was missing. Does nothing until
    migration 0001 has created the FTS table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE (type = 'table' AND name = %s) "
            "OR (type = 'trigger' AND tbl_name = 'hotline_contact')",
            [FTS_TABLE],
        )
        present = {name for _type, name in cursor.fetchall()}
    if FTS_TABLE not in present or present.issuperset(TRIGGERS):
        return False
    create_sqlite_index(connection)
    return True
