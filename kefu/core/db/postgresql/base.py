"""PostgreSQL backend that creates databases in a UTF-8 locale.

Django's own backend lets the cluster default decide the locale. A database in the 'C' locale
makes pg_trgm and text search treat Chinese characters as non-word characters, so search quietly
finds nothing. Creating from template0 with C.UTF-8 avoids that whatever the cluster default is.
"""

from django.db.backends.postgresql import base, creation


class DatabaseCreation(creation.DatabaseCreation):
    def sql_table_creation_suffix(self):
        suffix = super().sql_table_creation_suffix()
        locale = self.connection.settings_dict.get("TEST", {}).get("LOCALE", "C.UTF-8")
        return f"{suffix} LC_COLLATE '{locale}' LC_CTYPE '{locale}'"


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
