"""Report and dashboard reads on a PostgreSQL streaming replica (docs/SCALING.md).

Filled in by the scaling work: `reporting_reads()` is a context manager and decorator; inside it,
reads go to the "replica" database alias when one is configured (KEFU_REPLICA_URL), else to default.
"""

from contextlib import contextmanager


@contextmanager
def reporting_reads():
    yield
