"""Report and dashboard reads on a PostgreSQL streaming replica (docs/SCALING.md).

Nothing goes to the replica by accident: only code wrapped in `reporting_reads()` reads from it, and
only when settings.DATABASES has a "replica" alias (KEFU_REPLICA_URL). Everything else — every write,
every read outside the wrapper, every read inside a transaction — uses "default".

    with reporting_reads():
        rows = monthly_register(month)

    @reporting_reads
    def dashboard(request): ...

A replica is a few milliseconds behind the primary, more under load or after a network hiccup, and
it does not fail over by itself. That is acceptable for reports and dashboards (figures of the past
days, refreshed by the next page load) and not for pages an agent acts on, which is why the wrapper
is opt-in rather than a default for all reads.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"

# A ContextVar rather than a module global or threading.local: each request (thread under gunicorn's
# gthread worker, task under ASGI) sees only its own flag, and nesting restores the outer value.
_reporting: ContextVar[bool] = ContextVar("kefu_reporting_reads", default=False)


@contextmanager
def _reporting_reads():
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reporting_reads(func: Callable | None = None):
    """Send the reads inside to the replica, if one is configured.

    A context manager (`with reporting_reads():`) and a decorator, with or without parentheses
    (`@reporting_reads`, `@reporting_reads()`). As a decorator each call enters afresh, so concurrent
    requests through the same view do not share state. Sync functions only: wrapping a coroutine
    function would leave the block before the coroutine runs.
    """
    if func is None:
        return _reporting_reads()
    return _reporting_reads()(func)


def in_reporting_reads() -> bool:
    return _reporting.get()


class ReplicaRouter:
    """DATABASE_ROUTERS entry: writes to default; reads to the replica inside `reporting_reads()`."""

    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            # Related objects come from the database their parent came from, so one page never mixes a
            # row read on the primary with its children read from a replica that is behind.
            return instance._state.db
        if not _reporting.get() or REPLICA_DB_ALIAS not in settings.DATABASES:
            return DEFAULT_DB_ALIAS
        # Inside a transaction on default the caller may have written rows the replica has not
        # received yet (or never will, if the transaction rolls back): read your own writes.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model, **hints):
        # A replica is read-only; a row read from it and then saved must go to the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases are the same database (one is a copy of the other), so relations between an
        # object read on either and one read on the other are fine.
        aliases = {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives the schema through replication; migrating it would fail (read-only).
        return db == DEFAULT_DB_ALIAS
