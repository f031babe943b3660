"""The one gap-free counter: the next number of a series (contacts of a day, payments of a day,
connection points of a year…), taken inside the transaction that issues it.

The series' formats (RX…, SF…, JSD…) stay in their domains; this module only counts. A series is a
`key` ("hotline.contact") and a `period` ("20261203" for a day, "2026" for a year).

The conditional UPDATE locks the series' row until the issuing transaction ends, so two clerks saving
at the same moment queue for it (on SQLite the whole database is locked for writing instead); and if
the issue fails, the increment is rolled back with it, so no number is lost and none is given twice."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from kefu.core.models import NumberSequence


def day_period(day: date) -> str:
    """A day's series: "20261203"."""
    return f"{day:%Y%m%d}"


def year_period(day: date) -> str:
    """A year's series: "2026"."""
    return f"{day.year:04d}"


def next_number(key: str, period: str) -> int:
    """Take the series' next number (1, 2, 3…) inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the increment would commit at once, and a failed issue would lose it.
        raise RuntimeError(f"next_number({key!r}) must run inside the issuing transaction")
    series = NumberSequence.objects.filter(key=key, period=period)
    if not series.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                NumberSequence.objects.create(key=key, period=period, last=1)
            return 1
        except IntegrityError:
            # Another clerk created the period's row first; take the next number after theirs.
            series.update(last=F("last") + 1)
    return series.values_list("last", flat=True).get()
