"""The shape of a report document (R1, R2), shared by the apps that make reports and kefu.reports,
which stores, renders and lists them.

A domain app registers its report kinds (`ReportKind`, through
`kefu.core.registry.platform.add_report_kind` in its `AppConfig.ready()`); a kind's builder returns a
`Document` — a title, the period, titled tables with their 合计 rows, notes — from which kefu.reports
draws the Excel, the PDF and the printable page, so the three cannot show different figures. The
builder lives with the figures it reads (e.g. kefu.processes.report_kinds), and the domain needs no
import of kefu.reports."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kefu.core import periods
from kefu.core.periods import Period

DAY, WEEK, MONTH = "day", "week", "month"


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    footer: list | None = None  # the 合计 row
    note: str = ""
    # Rows to draw attention to (below target); indexes into `rows`.
    flagged: set[int] = field(default_factory=set)

    @property
    def flagged_rows(self) -> list[tuple[list, bool]]:
        return [(row, i in self.flagged) for i, row in enumerate(self.rows)]


@dataclass
class Sheet:
    """A long list that goes to the workbook only (the month's register): rows are produced while the
    workbook is written, never held in memory, and the PDF and the page say where to find them."""

    name: str
    headers: list[str]
    widths: list[int]
    count: int
    rows: Callable[[], Iterator[list]]


@dataclass
class Document:
    title: str
    period: Period
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    # Headline figures for the list of generated reports: (label, value).
    figures: list[tuple[str, object]] = field(default_factory=list)
    made_at: object = None  # the moment the figures were read

    @property
    def wide(self) -> bool:
        return any(len(t.headers) > 8 for t in self.tables)


@dataclass(frozen=True)
class ReportKind:
    code: str
    label: str
    period: str  # DAY, WEEK or MONTH
    # build(period, unit) -> Document; unit is a responsible unit (kefu.accounts.models.Unit) or None.
    build: Callable[[Period, Any], Document]
    # Any one of these sets of permissions lets a user read the kind and ask for it to be generated.
    # Asking is no more than reading: the document shows what the reader could open on the live page.
    read: tuple[tuple[str, ...], ...]
    unit_scoped: bool = False  # a unit's staff with a right above get their unit's figures only
    # Small enough to make while the reader waits; otherwise the request is queued for the worker.
    inline: bool = True
    # Read on the replica, if there is one (kefu.core.db_routing); not for a report of figures the
    # same worker has just written.
    replica_reads: bool = True
    source: str = ""

    def period_for(self, day: date) -> Period:
        """The period of this kind that contains `day`."""
        if self.period == DAY:
            return periods.day(day)
        if self.period == WEEK:
            return periods.parse_week(day.isoformat())
        return periods.month(day.year, day.month)
