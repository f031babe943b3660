"""Reads for the generated roster plans: who sees them, and the review page's figures (coverage by day,
the proposal as a person × day grid, fairness per person)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from kefu.accounts.models import User
from kefu.core.calendar import WorkingCalendar
from kefu.workforce.models import RosterEntry, RosterPlan

WEEKDAYS = "一二三四五六日"
SLOTS_PER_DAY = 48


def visible_to(user):
    """Plans are the department's: whoever may view plans (team leaders, the head, the director) sees all."""
    if not user.has_perm("workforce.view_rosterplan"):
        return RosterPlan.objects.none()
    return RosterPlan.objects.select_related("created_by", "published_by")


@dataclass
class DayFigures:
    day: date
    weekday: str
    weekend: bool
    holiday: bool
    required_peak: int = 0
    required_total: int = 0  # agent half hours
    under_slots: int = 0  # half hours with too few agents
    under_total: int = 0  # agent half hours missing
    over_slots: int = 0
    over_total: int = 0

    @property
    def under_share(self) -> float:
        return self.under_total / self.required_total if self.required_total else 0.0


@dataclass
class PersonRow:
    person: User
    cells: list[str] = field(default_factory=list)  # shift code per day, "" for a day off
    shifts: int = 0
    contracted: int | None = None  # the contracted shifts over the period, None without a contract
    nights: int = 0
    holiday_shifts: int = 0
    weekend_shifts: int = 0


@dataclass
class Review:
    days: list[DayFigures]
    rows: list[PersonRow]
    shifts: list  # the Shift rows used
    under_total: int
    over_total: int
    nights_spread: tuple[int, int]
    holidays_spread: tuple[int, int]

    @property
    def total_shifts(self) -> int:
        return sum(row.shifts for row in self.rows)

    @property
    def short_rows(self) -> list[PersonRow]:
        """The people given fewer shifts than their contract."""
        return [row for row in self.rows if row.contracted is not None and row.shifts < row.contracted]


def plan_entries(plan: RosterPlan):
    entries = plan.entries.select_related("shift")
    if plan.status != RosterPlan.Status.DISCARDED:
        entries = entries.exclude(status=RosterEntry.Status.CANCELLED)
    return entries


def review(plan: RosterPlan) -> Review:
    calendar = WorkingCalendar()
    summary = plan.summary or {}
    holidays = set(summary.get("holidays") or [])
    required = plan.requirement or []
    under = summary.get("under") or []
    over = summary.get("over") or []
    days = []
    for offset in range(plan.days):
        day = plan.first_day + timedelta(days=offset)
        info = calendar.day(day)
        figures = DayFigures(day, WEEKDAYS[day.weekday()], day.weekday() >= 5, f"{day:%Y-%m-%d}" in holidays)
        figures.holiday = figures.holiday or info.holiday
        window = slice(offset * SLOTS_PER_DAY, (offset + 1) * SLOTS_PER_DAY)
        need, short, extra = required[window], under[window], over[window]
        figures.required_peak = max(need, default=0)
        figures.required_total = sum(need)
        figures.under_slots = sum(1 for n in short if n)
        figures.under_total = sum(short)
        figures.over_slots = sum(1 for n in extra if n)
        figures.over_total = sum(extra)
        days.append(figures)

    entries = list(plan_entries(plan))
    people_ids = list(dict.fromkeys((summary.get("people") or []) + [e.person_id for e in entries]))
    people = {u.pk: u for u in User.objects.filter(pk__in=people_ids).select_related("team")}
    rows = {pk: PersonRow(people[pk], [""] * plan.days) for pk in people_ids if pk in people}
    for pk, target in (summary.get("contracted") or {}).items():
        if int(pk) in rows:
            rows[int(pk)].contracted = target
    shifts = {}
    for entry in entries:
        row = rows.get(entry.person_id)
        offset = (entry.day - plan.first_day).days
        if row is None or not 0 <= offset < plan.days:
            continue
        shifts[entry.shift.code] = entry.shift
        row.cells[offset] = entry.shift.code
        row.shifts += 1
        row.nights += entry.shift.kind == "night"
        row.holiday_shifts += days[offset].holiday
        row.weekend_shifts += days[offset].weekend and not days[offset].holiday
    ordered = sorted(
        rows.values(), key=lambda r: (r.person.team.name if r.person.team_id else "", str(r.person))
    )
    nights = [r.nights for r in ordered] or [0]
    holiday = [r.holiday_shifts for r in ordered] or [0]
    return Review(
        days=days,
        rows=ordered,
        shifts=sorted(shifts.values(), key=lambda s: (s.order, s.starts_at)),
        under_total=sum(under),
        over_total=sum(over),
        nights_spread=(min(nights), max(nights)),
        holidays_spread=(min(holiday), max(holiday)),
    )
