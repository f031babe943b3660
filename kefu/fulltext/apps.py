from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class FulltextConfig(AppConfig):
    name = "kefu.fulltext"
    label = "fulltext"
    verbose_name = "全文检索"

    def ready(self):
        post_migrate.connect(_repair_sqlite_index, sender=self)


def _repair_sqlite_index(sender, using="default", **kwargs):
    # A migration that alters hotline_contact on SQLite drops the index's triggers (see sqlite.py).
    connection = connections[using]
    if connection.vendor == "sqlite":
        from kefu.fulltext.sqlite import ensure_sqlite_index

        ensure_sqlite_index(connection)
