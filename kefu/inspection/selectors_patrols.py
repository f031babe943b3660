"""Reads of the patrol plans and patrols (I4): the year's grid area × target type × month with planned
and done (done counted by one grouped query over the year's patrols), the month's areas behind plan, the
patrol list, the inspectors' attendance from the workforce roster (第五条(四)), the home lines.

Who reads: inspection staff and leaders (`inspection.view_patrolplan`, `inspection.view_patrol`: 稽查员,
中心主任, 客服部主任); anyone else gets 403 on every page, export and API answer."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, ServiceArea, User
from kefu.core import periods
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.inspection.models import Patrol, PatrolPlan, PatrolPlanLine, TargetType

READ_PLAN = "inspection.view_patrolplan"
READ_PATROL = "inspection.view_patrol"
LABELS = dict(TargetType.choices)
MONTHS = range(1, 13)


def _percent(done: int, planned: int) -> int | None:
    if not planned:
        return None
    return int((Decimal(done) * 100 / planned).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------- fetch and check


def plan_for(user, pk) -> PatrolPlan:
    require(user, READ_PLAN)
    try:
        return PatrolPlan.objects.select_related("drafted_by", "approved_by").get(pk=pk)
    except (PatrolPlan.DoesNotExist, ValueError, TypeError):
        raise Http404("巡查年度计划不存在") from None


def plan_of_year(user, year: int) -> PatrolPlan | None:
    require(user, READ_PLAN)
    return PatrolPlan.objects.select_related("drafted_by", "approved_by").filter(year=year).first()


def visible_patrols(user) -> QuerySet[Patrol]:
    """The patrols `user` may see in a list, export or API answer: all of them for inspection staff and
    leaders, none for anyone else (who is refused before reaching a list)."""
    if not user.has_perm(READ_PATROL):
        return Patrol.objects.none()
    return Patrol.objects.all()


def patrol_for(user, pk) -> Patrol:
    require(user, READ_PATROL)
    try:
        return (
            visible_patrols(user)
            .select_related("area", "recorded_by")
            .prefetch_related("inspectors")
            .get(pk=pk)
        )
    except (Patrol.DoesNotExist, ValueError, TypeError):
        raise Http404("巡查记录不存在") from None


# ---------------------------------------------------------------- planned vs done


def done_counts(year: int, *, month: int | None = None) -> dict[tuple[int, str, int], int]:
    """Patrols done in the year (or one month) by (area, target type, month): one grouped query."""
    period = periods.month(year, month) if month else None
    start, end = (period.start, period.end) if period else (date(year, 1, 1), date(year + 1, 1, 1))
    rows = (
        Patrol.objects.filter(patrolled_on__gte=start, patrolled_on__lt=end)
        .annotate(m=ExtractMonth("patrolled_on"))
        .values("area_id", "target_type", "m")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(row["area_id"], row["target_type"], row["m"]): row["n"] for row in rows}


def planned_counts(plan: PatrolPlan | None, *, month: int | None = None) -> dict[tuple[int, str, int], int]:
    if plan is None:
        return {}
    lines = PatrolPlanLine.objects.filter(plan=plan)
    if month:
        lines = lines.filter(month=month)
    return {(a, t, m): n for a, t, m, n in lines.values_list("area_id", "target_type", "month", "planned")}


@dataclass
class PlanCell:
    planned: int = 0
    done: int = 0
    # "past", "current" or "future": a past month short of plan is red, the current one amber.
    when: str = "past"

    @property
    def percent(self) -> int | None:
        return _percent(self.done, self.planned)

    @property
    def shade(self) -> str:
        if not self.planned:
            return "done" if self.done else "none"
        if self.done >= self.planned:
            return "done"
        return {"past": "behind", "current": "going"}.get(self.when, "none")

    def add(self, other: "PlanCell") -> None:
        self.planned += other.planned
        self.done += other.done


@dataclass
class GridRow:
    area: ServiceArea
    target_type: str
    cells: list[PlanCell]

    @property
    def label(self) -> str:
        return str(LABELS.get(self.target_type, self.target_type))

    @property
    def planned(self) -> int:
        return sum(c.planned for c in self.cells)

    @property
    def done(self) -> int:
        return sum(c.done for c in self.cells)

    @property
    def percent(self) -> int | None:
        return _percent(self.done, self.planned)


@dataclass
class AreaBlock:
    area: ServiceArea
    rows: list[GridRow]
    totals: list[PlanCell] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(r.planned for r in self.rows)

    @property
    def done(self) -> int:
        return sum(r.done for r in self.rows)

    @property
    def percent(self) -> int | None:
        return _percent(self.done, self.planned)


@dataclass
class Grid:
    year: int
    plan: PatrolPlan | None
    areas: list[AreaBlock]
    month_totals: list[PlanCell]

    @property
    def planned(self) -> int:
        return sum(b.planned for b in self.areas)

    @property
    def done(self) -> int:
        return sum(b.done for b in self.areas)

    @property
    def percent(self) -> int | None:
        return _percent(self.done, self.planned)


def _when(year: int, month: int, today: date) -> str:
    if (year, month) < (today.year, today.month):
        return "past"
    return "current" if (year, month) == (today.year, today.month) else "future"


def plan_grid(
    year: int, plan: PatrolPlan | None, *, today: date | None = None, all_rows: bool = False
) -> Grid:
    """The year's plan as area × target type × month with planned and done; areas that have a line or
    a patrol (every active area when `all_rows`, for the edit page), rows with a count (all seven
    target types when `all_rows`)."""
    today = today or timezone.localdate()
    planned = planned_counts(plan)
    done = done_counts(year)
    area_ids = {key[0] for key in planned} | {key[0] for key in done}
    wanted = (Q(pk__in=area_ids) | Q(active=True)) if all_rows else Q(pk__in=area_ids)
    areas = ServiceArea.objects.filter(wanted)
    blocks = []
    month_totals = [PlanCell(when=_when(year, m, today)) for m in MONTHS]
    for area in areas.order_by("code"):
        rows = []
        for code in TargetType.values:
            cells = [
                PlanCell(
                    planned.get((area.pk, code, m), 0), done.get((area.pk, code, m), 0), _when(year, m, today)
                )
                for m in MONTHS
            ]
            if all_rows or any(c.planned or c.done for c in cells):
                rows.append(GridRow(area=area, target_type=code, cells=cells))
        totals = [PlanCell(when=_when(year, m, today)) for m in MONTHS]
        for row in rows:
            for total, cell, overall in zip(totals, row.cells, month_totals, strict=True):
                total.add(cell)
                overall.add(cell)
        blocks.append(AreaBlock(area=area, rows=rows, totals=totals))
    return Grid(year=year, plan=plan, areas=blocks, month_totals=month_totals)


@dataclass
class MonthRow:
    area: ServiceArea
    target_type: str
    planned: int
    done: int

    @property
    def label(self) -> str:
        return str(LABELS.get(self.target_type, self.target_type))

    @property
    def percent(self) -> int | None:
        return _percent(self.done, self.planned)


def month_rows(year: int, month: int) -> list[MonthRow]:
    """The month's planned vs done per area and target type of the year's plan (approved or not)."""
    plan = PatrolPlan.objects.filter(year=year).first()
    planned = planned_counts(plan, month=month)
    done = done_counts(year, month=month)
    keys = sorted(set(planned) | set(done))
    areas = ServiceArea.objects.in_bulk({key[0] for key in keys})
    order = {code: n for n, code in enumerate(TargetType.values)}
    rows = [
        MonthRow(area=areas[a], target_type=t, planned=planned.get((a, t, m), 0), done=done.get((a, t, m), 0))
        for a, t, m in keys
    ]
    return sorted(rows, key=lambda r: (r.area.code, order.get(r.target_type, 99)))


def behind_plan(year: int, month: int) -> list[MonthRow]:
    """The month's rows whose done is below `inspection.patrol_behind_percent` of planned."""
    share = policy("inspection.patrol_behind_percent")
    return [r for r in month_rows(year, month) if r.planned and r.done * 100 < r.planned * share]


# ---------------------------------------------------------------- the patrol list


SORTS = [
    ("-patrolled_on", "巡查日期（新→旧）"),
    ("patrolled_on", "巡查日期（旧→新）"),
    ("area", "片区"),
    ("target_type", "巡查对象"),
]
_ORDER = {
    "-patrolled_on": ["-patrolled_on", "-id"],
    "patrolled_on": ["patrolled_on", "id"],
    "area": ["area__code", "-patrolled_on", "-id"],
    "target_type": ["target_type", "-patrolled_on", "-id"],
}


def patrols(
    user,
    *,
    query: str = "",
    area: int | None = None,
    target_type: str = "",
    start: date | None = None,
    end: date | None = None,
    inspector: int | None = None,
    order: str = "-patrolled_on",
) -> QuerySet[Patrol]:
    require(user, READ_PATROL)
    rows = visible_patrols(user)
    if query:
        rows = rows.filter(Q(places__icontains=query) | Q(findings__icontains=query))
    if area:
        rows = rows.filter(area_id=area)
    if target_type in TargetType.values:
        rows = rows.filter(target_type=target_type)
    if start:
        rows = rows.filter(patrolled_on__gte=start)
    if end:
        rows = rows.filter(patrolled_on__lt=end)
    if inspector:
        rows = rows.filter(inspectors=inspector)
    return (
        rows.select_related("area", "recorded_by")
        .prefetch_related("inspectors")
        .order_by(*_ORDER.get(order, _ORDER["-patrolled_on"]))
    )


# ---------------------------------------------------------------- attendance (第五条(四))


@dataclass
class AttendanceRow:
    person: User
    rostered: int  # shifts that should have been worked: scheduled and on leave
    present: int  # signed in
    on_leave: int
    target: int

    @property
    def unrostered(self) -> bool:
        return self.rostered == 0

    @property
    def rate(self) -> Decimal | None:
        if not self.rostered:
            return None
        return (Decimal(self.present) * 100 / self.rostered).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def below(self) -> bool:
        return self.rate is not None and self.rate < self.target


@dataclass
class Attendance:
    year: int
    month: int
    until: date | None  # the last day counted (yesterday in the current month); None: not begun
    rows: list[AttendanceRow]
    target: int
    everyone: bool  # the reader sees every inspector (else only their own row)


def attendance(user, year: int, month: int, *, today: date | None = None) -> Attendance:
    """The inspectors' attendance of the month from the workforce roster and sign-ins (workforce's own
    `attendance_summary`): rate = shifts signed in / shifts rostered (scheduled or on leave), up to
    yesterday in the current month. Leaders (workforce's `sees_all`, or the approver of the plan) see
    every inspector, an inspector their own row."""
    from kefu.workforce.selectors_attendance import attendance_summary, sees_all

    require(user, READ_PLAN)
    today = today or timezone.localdate()
    period = periods.month(year, month)
    until = min(period.last_day, today - timedelta(days=1))
    everyone = sees_all(user) or user.has_perm("inspection.approve_patrolplan")
    people = User.objects.filter(role=Role.FIELD_INSPECTOR, is_active=True).order_by("employee_no", "pk")
    if not everyone:
        people = people.filter(pk=user.pk)
    target = policy("inspection.patrol_attendance_target")
    rows = []
    for person in people:
        if until < period.start:
            counts = {"shifts_rostered": 0, "shifts_on_leave": 0, "shifts_worked": 0}
        else:
            counts = attendance_summary(person=person, start=period.start, end=until)
        rows.append(
            AttendanceRow(
                person=person,
                rostered=counts["shifts_rostered"] + counts["shifts_on_leave"],
                present=counts["shifts_worked"],
                on_leave=counts["shifts_on_leave"],
                target=target,
            )
        )
    return Attendance(
        year=year,
        month=month,
        until=until if until >= period.start else None,
        rows=rows,
        target=target,
        everyone=everyone,
    )


# ---------------------------------------------------------------- home


def home_lines(user) -> list[tuple[str, int, str]]:
    """An inspector's patrols still to do this month (approved plan), the director's plan to approve."""
    lines: list[tuple[str, int, str]] = []
    if not user.has_perm(READ_PLAN):
        return lines
    url = reverse("inspection:patrol_plan")
    if user.has_perm("inspection.add_patrol"):
        today = timezone.localdate()
        if PatrolPlan.objects.filter(year=today.year, state=PatrolPlan.State.APPROVED).exists():
            short = sum(max(r.planned - r.done, 0) for r in month_rows(today.year, today.month))
            lines.append(("本月待完成的巡查（次）", short, url))
    if user.has_perm("inspection.approve_patrolplan"):
        waiting = PatrolPlan.objects.filter(state=PatrolPlan.State.DRAFT).exclude(drafted_by=user).count()
        lines.append(("待批准的巡查年度计划", waiting, url))
    return [line for line in lines if line[1]]
