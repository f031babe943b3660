"""Reads of the personal roster: who may see it, the month grid, the 24-hour coverage of a period,
one person's shifts. The grid costs the same handful of queries for 5 people or 500."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.accounts.models import Team, User
from kefu.core.calendar import DayInfo, WorkingCalendar
from kefu.core.permissions import can
from kefu.workforce.models import RosterEntry, Shift
from kefu.workforce.roster_rules import Block, Breach, Limits, coverage, coverage_breaches
from kefu.workforce.services.rosters import ROSTERED_ROLES

WEEKDAYS = "一二三四五六日"
# What the roster shows: the live shifts and those given away by a swap (the colleague's entry shows
# who took it); cancelled ones are history, proposals belong to their plan until published.
SHOWN = (RosterEntry.Status.SCHEDULED, RosterEntry.Status.LEAVE, RosterEntry.Status.SWAPPED_OUT)


def visible_to(user) -> QuerySet[RosterEntry]:
    """The roster entries a user may read. A roster is public within the center: whoever may view the
    roster sees the whole department's (who covers which hour is everyone's business on a hotline)."""
    if not can(user, "workforce.view_rosterentry"):
        return RosterEntry.objects.none()
    return RosterEntry.objects.exclude(status=RosterEntry.Status.PROPOSED)


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return [first + timedelta(days=n) for n in range((following - first).days)]


def shift_label(shift: Shift) -> str:
    """The name a grid cell has room for: 白班 → 白, 中班 → 中, 夜班 → 夜."""
    return shift.name[:1] if shift.name.endswith("班") and len(shift.name) == 2 else shift.name[:2]


# --- the month grid -----------------------------------------------------------------------------------


@dataclass
class GridDay:
    day: date
    info: DayInfo

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.day.weekday()]

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def holiday(self) -> bool:
        """A statutory holiday (法定节假日放假), not an ordinary weekend."""
        return self.info.holiday

    @property
    def makeup(self) -> bool:
        """A weekend that is a working day (调休上班)."""
        return self.info.working and self.weekend

    @property
    def rest(self) -> bool:
        return not self.info.working


@dataclass
class GridCell:
    column: GridDay
    entries: list[RosterEntry] = field(default_factory=list)

    @property
    def day(self) -> date:
        return self.column.day

    @property
    def scheduled(self) -> RosterEntry | None:
        """The shift the cell's form changes: the first one the person is on duty for that day."""
        return next((e for e in self.entries if e.status == RosterEntry.Status.SCHEDULED), None)

    @property
    def marks(self) -> list[dict]:
        return [
            {
                "label": shift_label(e.shift),
                "status": e.status,
                "status_label": e.get_status_display(),
                "title": f"{e.shift}（{e.get_status_display()}）{e.note}",
            }
            for e in self.entries
        ]


@dataclass
class GridRow:
    person: User
    cells: list[GridCell]

    @property
    def hours(self) -> float:
        return sum(
            (e.ends_at - e.starts_at).total_seconds() / 3600
            for c in self.cells
            for e in c.entries
            if e.status == RosterEntry.Status.SCHEDULED
        )

    @property
    def shifts(self) -> int:
        return sum(1 for c in self.cells for e in c.entries if e.status == RosterEntry.Status.SCHEDULED)


@dataclass
class MonthGrid:
    year: int
    month: int
    team: Team | None
    days: list[GridDay]
    rows: list[GridRow]

    @property
    def first_day(self) -> date:
        return self.days[0].day

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def code(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def previous(self) -> str:
        day = self.first_day - timedelta(days=1)
        return f"{day.year}-{day.month:02d}"

    @property
    def next(self) -> str:
        day = self.days[-1].day + timedelta(days=1)
        return f"{day.year}-{day.month:02d}"


def rostered_people(team: Team | None = None) -> QuerySet[User]:
    people = User.objects.filter(is_active=True, role__in=ROSTERED_ROLES)
    if team is not None:
        people = people.filter(team=team)
    return people


def _ordering_key(person: User):
    team = person.team
    return (team is None, team.code if team else "", person.employee_no or "~", person.username)


def month_grid(user, year: int, month: int, *, team: Team | None = None) -> MonthGrid:
    """One row per rostered person of the team (or of all teams), by team and employee number, one
    cell per day of the month with that day's shifts: the active agents and team leaders, and anyone
    else who has a shift that month (someone who has left still shows on the month they worked)."""
    days = month_days(year, month)
    calendar = WorkingCalendar()
    entries = (
        visible_to(user)
        .filter(
            status__in=SHOWN,
            starts_at__gte=day_start(days[0]),
            starts_at__lt=day_start(days[-1] + timedelta(days=1)),
        )
        .select_related("shift")
        .order_by("starts_at", "pk")
    )
    if team is not None:
        entries = entries.filter(person__team=team)
    entries = list(entries)
    with_shifts = {e.person_id for e in entries}
    people = (
        User.objects.filter(
            Q(pk__in=rostered_people(team).values("pk")) | Q(pk__in=with_shifts)
        ).select_related("team")
        if with_shifts
        else rostered_people(team).select_related("team")
    )
    by_person_day: dict[tuple[int, date], list[RosterEntry]] = {}
    for entry in entries:
        by_person_day.setdefault((entry.person_id, entry.day), []).append(entry)
    columns = [GridDay(day, calendar.day(day)) for day in days]
    rows = [
        GridRow(
            person, [GridCell(column, by_person_day.get((person.pk, column.day), [])) for column in columns]
        )
        for person in sorted(people, key=_ordering_key)
    ]
    return MonthGrid(year, month, team, columns, rows)


# --- coverage ------------------------------------------------------------------------------------------


@dataclass
class Coverage:
    first_day: date
    days: int
    min_staff: int
    hours: list[tuple[datetime, int]]
    breaches: list[Breach]

    @property
    def short_hours(self) -> int:
        return len(self.breaches)

    def short_by_day(self) -> dict[date, int]:
        """How many clock hours of each day are below the minimum staff."""
        counts: dict[date, int] = {}
        for hour, count in self.hours:
            if count < self.min_staff:
                day = timezone.localtime(hour).date()
                counts[day] = counts.get(day, 0) + 1
        return counts


def scheduled_blocks(start: datetime, end: datetime) -> list[Block]:
    """Every scheduled shift overlapping [start, end), as the checker's blocks."""
    rows = RosterEntry.objects.filter(
        status=RosterEntry.Status.SCHEDULED, starts_at__lt=end, ends_at__gt=start
    ).values_list("person_id", "starts_at", "ends_at", "pk")
    return [Block(person_id, starts_at, ends_at, "", pk) for person_id, starts_at, ends_at, pk in rows]


def coverage_for(first_day: date, days: int) -> Coverage:
    """People on duty in each clock hour of the days and the hours below the minimum staff
    (workforce.min_staff_on_duty), over the whole center's scheduled shifts."""
    limits = Limits.from_rules()
    start = day_start(first_day)
    blocks = scheduled_blocks(start, start + timedelta(days=days))
    return Coverage(
        first_day,
        days,
        limits.min_staff,
        coverage(blocks, first_day, days),
        coverage_breaches(blocks, first_day, days, limits=limits),
    )


@dataclass
class ShortSpell:
    """Consecutive understaffed hours with the same count, as one line under the grid."""

    starts_at: datetime
    ends_at: datetime
    count: int

    @property
    def text(self) -> str:
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        if end.date() == start.date():
            until = f"{end:%H:%M}"
        elif end.time() == time.min and end.date() == start.date() + timedelta(days=1):
            until = "24:00"
        else:
            until = f"{end:%m-%d %H:%M}"
        return f"{start:%m-%d %H:%M}–{until}"


def short_spells(cover: Coverage) -> list[ShortSpell]:
    """The understaffed hours merged into spells (a month with nobody rostered is 31 lines, not 744)."""
    spells: list[ShortSpell] = []
    for hour, count in cover.hours:
        if count >= cover.min_staff:
            continue
        last = spells[-1] if spells else None
        if last and last.ends_at == hour and last.count == count:
            last.ends_at = hour + timedelta(hours=1)
        else:
            spells.append(ShortSpell(hour, hour + timedelta(hours=1), count))
    return spells


# --- one person ----------------------------------------------------------------------------------------


def shifts_of(user, person: User, first_day: date, last_day: date) -> QuerySet[RosterEntry]:
    """A person's shifts from first_day to last_day (inclusive), cancelled ones left out."""
    return (
        visible_to(user)
        .filter(
            person=person,
            status__in=SHOWN,
            starts_at__gte=day_start(first_day),
            starts_at__lt=day_start(last_day + timedelta(days=1)),
        )
        .select_related("shift", "attendance")
        .order_by("starts_at")
    )


def entries_between(user, start: date, end: date) -> QuerySet[RosterEntry]:
    """The roster from start to end (inclusive) as a list of entries, for the API."""
    return (
        visible_to(user)
        .filter(starts_at__gte=day_start(start), starts_at__lt=day_start(end + timedelta(days=1)))
        .select_related("person", "person__team", "shift")
        .order_by("starts_at", "person__employee_no", "pk")
    )


def current_entry(person: User, at: datetime | None = None) -> RosterEntry | None:
    """The person's scheduled shift on at `at` (default now), else None."""
    at = at or timezone.now()
    return (
        RosterEntry.objects.filter(
            person=person, status=RosterEntry.Status.SCHEDULED, starts_at__lte=at, ends_at__gt=at
        )
        .select_related("shift")
        .order_by("starts_at")
        .first()
    )
