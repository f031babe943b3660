"""The age-based replacement plan (M4, ch.4 §4.1): which meters in service are due for replacement
by the end of a year, by the caliber cycles of rule meters.replacement_cycles.

A meter's due date is its install date plus its caliber's cycle (29 Feb + 6 years → 28 Feb), so it
falls in year Y exactly when the install year is Y − cycle: "due on or before 31 December of Y" is
`install_date ≤ 31 December of (Y − cycle)`, one index range per cycle. Each cycle is read in
install-date order (which is its due order) and the cycles are merged, so the first page of a branch
reads a few hundred index rows whatever the size of the archive, and the export streams the whole
plan in due order without holding it (heapq.merge over server-side cursors). A meter whose caliber
no cycle covers is never skipped: it is counted and listed as unconfigured."""

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from kefu.accounts.models import ServiceArea
from kefu.customers.models import Meter
from kefu.meters.calibers import Cycle, replacement_cycles
from kefu.meters.dates import years_after

# Meters in service: everything the archive has not removed (a stopped or stuck meter is still fitted).
IN_SERVICE = [Meter.Status.IN_USE, Meter.Status.STOPPED, Meter.Status.STUCK, Meter.Status.UNREADABLE]
FIELDS = ("id", "number", "caliber_dn", "install_date", "last_reading")


@dataclass(frozen=True)
class PlanLine:
    meter_id: int
    meter_number: str
    caliber_dn: int
    installed_on: date
    due_on: date
    carried_over: bool
    last_reading: object = None


def in_service(*, branch_id: int | None = None, area_code: str | None = None) -> QuerySet:
    meters = Meter.objects.filter(status__in=IN_SERVICE)
    areas = _area_ids(branch_id, area_code)
    if areas is not None:
        meters = meters.filter(service_area_id__in=areas)
    return meters


def _area_ids(branch_id: int | None, area_code: str | None) -> list[int] | None:
    """The service areas of the scope (None: the whole utility). A meter carries its point's area
    (customers.Meter.service_area), so a branch or an area is read from the meters' own indexes."""
    if branch_id is None and not area_code:
        return None
    areas = ServiceArea.objects.all()
    if branch_id is not None:
        areas = areas.filter(branch_id=branch_id)
    if area_code:
        areas = areas.filter(code=area_code)
    return list(areas.order_by("pk").values_list("pk", flat=True))


def _uncovered(cycles: list[Cycle]) -> Q:
    """The calibers between and beyond the cycles' ranges, as ranges: the caliber index reads them
    (NOT (a OR b …), as exclude() wrote it, made PostgreSQL read every meter of the scope)."""
    uncovered = Q(caliber_dn__lt=cycles[0].low) | Q(caliber_dn__gt=cycles[-1].high)
    for before, after in zip(cycles, cycles[1:], strict=False):
        if after.low > before.high + 1:
            uncovered |= Q(caliber_dn__gt=before.high, caliber_dn__lt=after.low)
    return uncovered


def _due_in_cycle(meters: QuerySet, cycle: Cycle, year: int) -> QuerySet:
    return (
        meters.filter(
            caliber_dn__gte=cycle.low,
            caliber_dn__lte=cycle.high,
            install_date__lte=date(year - cycle.years, 12, 31),
        )
        .order_by("install_date", "id")
        .values_list(*FIELDS)
    )


def _line(row, cycle: Cycle, year: int) -> PlanLine:
    meter_id, number, caliber, installed, reading = row
    due = years_after(installed, cycle.years)
    return PlanLine(meter_id, number, caliber, installed, due, due < date(year, 1, 1), reading)


def _sort_key(line: PlanLine):
    return (line.due_on, line.installed_on, line.meter_id)


def plan_page(
    year: int, *, branch_id=None, area_code=None, page: int = 1, page_size: int = 50
) -> tuple[list[PlanLine], bool]:
    """One page of the yearly plan in due order, and whether another follows."""
    wanted = page * page_size + 1  # the rows up to this page's end, and one more to tell has_next
    areas = _area_ids(branch_id, area_code)
    # One index range per area and cycle (index meter_area_due: area, install date, the caliber read
    # from the index), each in due order, merged here: a branch's first page reads a few hundred index
    # entries however large the archive. The whole utility reads one range per cycle.
    scopes = (
        [Meter.objects.filter(status__in=IN_SERVICE)]
        if areas is None
        else [Meter.objects.filter(status__in=IN_SERVICE, service_area_id=area) for area in areas]
    )
    lines: list[PlanLine] = []
    for cycle in replacement_cycles():
        for meters in scopes:
            lines += [_line(row, cycle, year) for row in _due_in_cycle(meters, cycle, year)[:wanted]]
    lines.sort(key=_sort_key)
    start = (page - 1) * page_size
    return lines[start : start + page_size], len(lines) > start + page_size


def plan_lines(year: int, *, branch_id=None, area_code=None, chunk_size: int = 5000) -> Iterator[PlanLine]:
    """The whole plan in due order, streamed: nothing but one chunk per cycle is held."""
    meters = in_service(branch_id=branch_id, area_code=area_code)
    # One generator per cycle, each bound to its own cycle (a generator expression inside the list
    # comprehension would read the comprehension's last cycle when it runs, and date every meter by it).
    streams = [_stream(meters, cycle, year, chunk_size) for cycle in replacement_cycles()]
    return heapq.merge(*streams, key=_sort_key)


def _stream(meters: QuerySet, cycle: Cycle, year: int, chunk_size: int) -> Iterator[PlanLine]:
    for row in _due_in_cycle(meters, cycle, year).iterator(chunk_size):
        yield _line(row, cycle, year)


def due_count_by_caliber(year: int, *, branch_id=None, month: int | None = None) -> dict[int, int]:
    """How many meters of each caliber fall due in the year (or in one month of it), carried-over
    ones included when the whole year is asked: the purchase plan's replacement need (M1)."""
    from django.db.models import Count

    meters = in_service(branch_id=branch_id)
    counts: dict[int, int] = {}
    for cycle in replacement_cycles():
        due = meters.filter(
            caliber_dn__gte=cycle.low,
            caliber_dn__lte=cycle.high,
            install_date__lte=date(year - cycle.years, 12, 31),
        )
        if month is not None:
            due = due.filter(install_date__year=year - cycle.years, install_date__month=month)
        for caliber, count in due.values_list("caliber_dn").annotate(n=Count("id")).order_by():
            counts[caliber] = counts.get(caliber, 0) + count
    return counts


def unconfigured(*, branch_id=None, area_code=None) -> QuerySet:
    """Meters in service whose caliber no cycle covers (DN32, DN65, DN400+ by default)."""
    meters = in_service(branch_id=branch_id, area_code=area_code)
    # replacement_cycles() is sorted by caliber and refuses overlapping ranges (calibers.parse_cycles).
    return meters.filter(_uncovered(replacement_cycles())).order_by("caliber_dn", "install_date", "id")


def unconfigured_count(*, branch_id=None, area_code=None) -> int:
    return unconfigured(branch_id=branch_id, area_code=area_code).count()
