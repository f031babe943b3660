"""The numbers behind the reports (H5 转办及时率, H14 来电登记与月度汇总, W5 每周督办、反馈、回访).

reports reads; it owns no data. Every figure is a grouped aggregate (`values().annotate()` or
`aggregate()` with conditional counts), so the number of queries does not grow with the number of
contacts. Periods select contacts by `received_at`, which is indexed (contact_received_idx): a month of
100,000 contacts is an index range, not a table scan. Only the register itself visits every row, and it
streams them with `.iterator()` instead of loading the month into memory.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from kefu.accounts.models import Team, Unit
from kefu.core.models import Event
from kefu.core.periods import Period
from kefu.core.policies import get_policy
from kefu.hotline import exports as hotline_exports
from kefu.hotline.events import HotlineEvents
from kefu.hotline.measures import (
    TRANSFERABLE,
    WAIT,
    callback_counts,
    percent,
    transferred_within,
    wait_minutes,
)
from kefu.hotline.models import (
    Callback,
    Category,
    Channel,
    Contact,
    LeaderInstruction,
    ReturnVisit,
    WorkOrder,
)

D = Contact.Disposition
S = WorkOrder.State
SUPERVISION = "supervision"
GROUPINGS = {"agent": "值班坐席", "team": "班组"}


def contacts_in(period: Period):
    start, end = period.bounds()
    return Contact.objects.filter(received_at__gte=start, received_at__lt=end).order_by()


# ---------------------------------------------------------------------------------------------------
# H5 转办及时率


@dataclass
class TimelinessRow:
    key: int | None
    label: str
    total: int
    on_time: int
    timed: int = 0  # how many have a transfer time (the ones the averages are over)
    avg_minutes: float | None = None
    max_minutes: float | None = None

    @property
    def late(self) -> int:
        return self.total - self.on_time

    @property
    def rate(self) -> float | None:
        return percent(self.on_time, self.total)

    @property
    def below_target(self) -> bool:
        # The target is 100%: a single late transfer puts the row below it.
        return self.total > 0 and self.on_time < self.total

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "total": self.total,
            "on_time": self.on_time,
            "late": self.late,
            "rate": self.rate,
            "avg_minutes": self.avg_minutes,
            "max_minutes": self.max_minutes,
        }


@dataclass
class Timeliness:
    period: Period
    by: str
    target_minutes: float
    rows: list[TimelinessRow]
    total: TimelinessRow
    target_rate: float = 100.0

    @property
    def by_label(self) -> str:
        return GROUPINGS[self.by]

    def as_dict(self) -> dict:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.last_day.isoformat(),
            "by": self.by,
            "target_minutes": self.target_minutes,
            "target_rate": self.target_rate,
            "rows": [row.as_dict() for row in self.rows],
            "total": self.total.as_dict(),
        }


def transfer_timeliness(period: Period, *, by: str = "agent") -> Timeliness:
    """For each agent (or shift) the transfers of contacts received in the period: how many were
    transferred within the policy's minutes of the call, the rate, the average and longest wait.
    Rows are sorted worst rate first, so the ones to talk to are at the top."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    target = float(get_policy("hotline.transfer_target_minutes"))
    keys = ("agent_id", "agent__name", "agent__username") if by == "agent" else ("team_id", "team__name")
    grouped = (
        contacts_in(period)
        .filter(TRANSFERABLE)
        .values(*keys)
        .annotate(
            total=Count("id"),
            on_time=Count("id", filter=transferred_within(timedelta(minutes=target))),
            timed=Count("transferred_at"),
            avg_wait=Avg(WAIT),
            max_wait=Max(WAIT),
        )
    )
    rows = []
    for g in grouped:
        if by == "agent":
            key, label = g["agent_id"], g["agent__name"] or g["agent__username"]
        else:
            key, label = g["team_id"], g["team__name"] or "未分班组"
        rows.append(
            TimelinessRow(
                key=key,
                label=label,
                total=g["total"],
                on_time=g["on_time"],
                timed=g["timed"],
                avg_minutes=wait_minutes(g["avg_wait"]),
                max_minutes=wait_minutes(g["max_wait"]),
            )
        )
    rows.sort(key=lambda r: (r.rate if r.rate is not None else 101, -r.total, r.label))
    return Timeliness(period=period, by=by, target_minutes=target, rows=rows, total=_sum_rows(rows))


def _sum_rows(rows: list[TimelinessRow]) -> TimelinessRow:
    # The overall figures follow from the groups: no second pass over the contacts.
    timed = sum(r.timed for r in rows)
    weighted = sum((r.avg_minutes or 0) * r.timed for r in rows)
    maxima = [r.max_minutes for r in rows if r.max_minutes is not None]
    return TimelinessRow(
        key=None,
        label="合计",
        total=sum(r.total for r in rows),
        on_time=sum(r.on_time for r in rows),
        timed=timed,
        avg_minutes=round(weighted / timed, 1) if timed else None,
        max_minutes=max(maxima) if maxima else None,
    )


# ---------------------------------------------------------------------------------------------------
# H14 来电登记 (the register, one row per contact)

# The columns and rows are the hotline's own definition of the register (kefu.hotline.exports).
REGISTER_HEADERS = hotline_exports.REGISTER_HEADERS


def register_count(period: Period) -> int:
    return contacts_in(period).count()


def monthly_register(
    period: Period, *, phone: Callable[[str], str] = str, chunk_size: int = 2000
) -> Iterator[list]:
    """The month's contacts in the order they came, with the columns of the paper register (seed 000
    ch.5 §3.2), streamed in chunks: memory stays flat for any month."""
    return hotline_exports.register_rows(
        contacts_in(period).order_by("received_at", "id"), phone=phone, chunk_size=chunk_size
    )


# ---------------------------------------------------------------------------------------------------
# H14 月度汇总


@dataclass
class Crosstab:
    """Counts of categories (rows, in the categories' own order) by some column (channel, disposition)."""

    columns: list[tuple[str, str]]  # (value, label)
    rows: list[tuple[str, list[int], int]] = field(default_factory=list)  # (category, cells, row total)

    @property
    def column_totals(self) -> list[int]:
        return [sum(cells[i] for _, cells, _ in self.rows) for i in range(len(self.columns))]

    @property
    def total(self) -> int:
        return sum(total for _, _, total in self.rows)

    def cell(self, category: str, column: str) -> int:
        index = [value for value, _ in self.columns].index(column)
        return next((cells[index] for name, cells, _ in self.rows if name == category), 0)

    def as_dict(self) -> dict:
        return {
            "columns": [{"value": v, "label": str(label)} for v, label in self.columns],
            "rows": [{"category": name, "counts": cells, "total": total} for name, cells, total in self.rows],
            "column_totals": self.column_totals,
            "total": self.total,
        }


@dataclass
class WorkOrderFigures:
    total: int = 0
    closed: int = 0
    open: int = 0
    overdue_open: int = 0  # still open and past its due time now
    closed_late: int = 0  # closed, but after its due time

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class CallbackFigures:
    due: int = 0  # first callbacks (within 24 h of the transfer)
    on_time: int = 0
    done_late: int = 0
    pending: int = 0
    done: int = 0  # every attempt recorded
    reached: int = 0
    satisfied: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.on_time, self.due)

    @property
    def reached_rate(self) -> float | None:
        return percent(self.reached, self.done)

    def as_dict(self) -> dict:
        return {**self.__dict__, "on_time_rate": self.on_time_rate, "reached_rate": self.reached_rate}


@dataclass
class VisitFigures:
    satisfied: int = 0
    basically: int = 0
    dissatisfied: int = 0

    @property
    def total(self) -> int:
        return self.satisfied + self.basically + self.dissatisfied

    @property
    def satisfaction_rate(self) -> float | None:
        # 满意率 counts 基本满意 as satisfied, as the utility's own return-visit forms do.
        return percent(self.satisfied + self.basically, self.total)

    def as_dict(self) -> dict:
        return {**self.__dict__, "total": self.total, "satisfaction_rate": self.satisfaction_rate}


@dataclass
class MonthlySummary:
    period: Period
    total: int
    by_channel: Crosstab
    by_disposition: Crosstab
    by_day: list[tuple[date, int]]
    by_unit: list[tuple[str, int, int]]  # (unit, transferred, of which on time)
    work_orders: WorkOrderFigures
    callbacks: CallbackFigures
    return_visits: VisitFigures
    timeliness: Timeliness

    @property
    def transferred(self) -> int:
        return self.by_disposition.column_totals[list(D.values).index(D.TRANSFERRED)]

    def as_dict(self) -> dict:
        return {
            "month": f"{self.period.start:%Y-%m}",
            "label": self.period.label,
            "total": self.total,
            "by_channel": self.by_channel.as_dict(),
            "by_disposition": self.by_disposition.as_dict(),
            "by_day": [{"day": day.isoformat(), "count": n} for day, n in self.by_day],
            "by_unit": [{"unit": u, "transferred": n, "on_time": ok} for u, n, ok in self.by_unit],
            "work_orders": self.work_orders.as_dict(),
            "callbacks": self.callbacks.as_dict(),
            "return_visits": self.return_visits.as_dict(),
            "timeliness": self.timeliness.as_dict(),
        }


def monthly_summary(period: Period, *, now: datetime | None = None) -> MonthlySummary:
    """The month's summary for the department head (seed 000 ch.5 §3.4). The month is a cohort: the
    contacts received in it, and the work orders, callbacks and return visits that came of them, so the
    summary and the register always describe the same calls.

    Read from the KPI rollups (kefu.kpi): a month of 300,000 contacts is a few thousand rollup rows, so
    the summary no longer scans the month. The figures are those of the worker's last refresh (every
    half minute); `monthly_summary_from_records` computes the same summary from the records themselves
    and the tests hold the two equal. Only "open and past due now" is counted live, from the open
    orders' partial index."""
    from kefu.kpi.models import AgentDay, ContactDay

    rows = ContactDay.objects.filter(day__gte=period.start, day__lt=period.end).order_by()
    sums = {f: Sum(f) for f in ROLLUP_MEASURES}
    by_key = list(rows.values("category_id", "channel").annotate(**sums))
    names = {
        c.pk: (c.name, (c.sort_order, c.code))
        for c in Category.objects.filter(pk__in={r["category_id"] for r in by_key})
    }
    by_channel: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_disposition: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in by_key:
        name = names[r["category_id"]][0]
        by_channel[name][r["channel"]] += r["contacts"]
        counts = by_disposition[name]
        counts[D.ANSWERED] += r["answered"]
        counts[D.FOLLOW_UP] += r["followed"]
        counts[D.TRANSFERRED] += r["transferred"]
        counts[D.CLOSED] += r["closed_at_once"]
    ordered = sorted(by_channel, key=lambda n: next(o for nm, o in names.values() if nm == n))
    used = {c for counts in by_channel.values() for c, n in counts.items() if n}
    channels = [(v, label) for v, label in Channel.choices if v in used]
    channel_table = _crosstab(ordered, channels, by_channel)
    total = {f: sum(r[f] or 0 for r in by_key) for f in ROLLUP_MEASURES}
    per_day = dict(rows.values_list("day").annotate(n=Sum("contacts")))
    target = float(get_policy("hotline.transfer_target_minutes"))
    return MonthlySummary(
        period=period,
        total=channel_table.total,
        by_channel=channel_table,
        by_disposition=_crosstab(ordered, list(D.choices), by_disposition),
        by_day=[(day, per_day.get(day, 0)) for day in period.days],
        by_unit=_by_unit_from_rollups(rows),
        work_orders=WorkOrderFigures(
            total=total["orders"],
            closed=total["orders_closed"],
            open=total["orders"] - total["orders_closed"],
            overdue_open=_overdue_open(period, now=now),
            closed_late=total["orders_closed_late"],
        ),
        callbacks=CallbackFigures(
            due=total["callbacks_due"],
            on_time=total["callbacks_on_time"],
            done_late=total["callbacks_late"],
            pending=total["callbacks_pending"],
            done=total["callbacks_done"],
            reached=total["callbacks_reached"],
            satisfied=total["callbacks_satisfied"],
        ),  # fmt: skip
        return_visits=VisitFigures(
            satisfied=total["visits_satisfied"],
            basically=total["visits_basically"],
            dissatisfied=total["visits_dissatisfied"],
        ),  # fmt: skip
        timeliness=_team_timeliness_from_rollups(
            period, AgentDay.objects.filter(day__gte=period.start, day__lt=period.end), target
        ),
    )


ROLLUP_MEASURES = [
    "contacts", "answered", "followed", "transferred", "closed_at_once", "transfers", "transfers_on_time",
    "orders", "orders_closed", "orders_closed_late", "callbacks_due", "callbacks_on_time", "callbacks_late",
    "callbacks_pending", "callbacks_done", "callbacks_reached", "callbacks_satisfied", "visits_satisfied",
    "visits_basically", "visits_dissatisfied",
]  # fmt: skip


def _by_unit_from_rollups(rows) -> list[tuple[str, int, int]]:
    grouped = list(
        rows.exclude(unit_id=0)
        .values("unit_id")
        .annotate(n=Sum("transfers"), on_time=Sum("transfers_on_time"))
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[g["unit_id"] for g in grouped])}
    result = [
        (units[g["unit_id"]].name, g["n"], g["on_time"], units[g["unit_id"]].code)
        for g in grouped
        if g["n"] and g["unit_id"] in units
    ]
    result.sort(key=lambda r: (-r[1], r[3]))
    return [r[:3] for r in result]


def _overdue_open(period: Period, *, now: datetime | None = None) -> int:
    start, end = period.bounds()
    now = now or timezone.now()
    return (
        WorkOrder.objects.exclude(state=S.CLOSED)
        .annotate(due=Coalesce("promised_at", "deadline"))
        .filter(due__lt=now, contact__received_at__gte=start, contact__received_at__lt=end)
        .count()
    )


def _team_timeliness_from_rollups(period: Period, agent_days, target: float) -> Timeliness:
    grouped = agent_days.values("team_id").annotate(
        total=Sum("transfers"),
        on_time=Sum("transfers_on_time"),
        timed=Sum("transfers_timed"),
        wait=Sum("transfer_wait_seconds"),
        longest=Max("transfer_wait_max"),
    )
    teams = dict(Team.objects.values_list("pk", "name"))
    rows = [
        TimelinessRow(
            key=g["team_id"] or None,
            label=teams.get(g["team_id"]) or "未分班组",
            total=g["total"],
            on_time=g["on_time"],
            timed=g["timed"],
            avg_minutes=round(g["wait"] / g["timed"] / 60, 1) if g["timed"] else None,
            max_minutes=round(g["longest"] / 60, 1) if g["timed"] else None,
        )
        for g in grouped
        if g["total"]
    ]
    rows.sort(key=lambda r: (r.rate if r.rate is not None else 101, -r.total, r.label))
    return Timeliness(period=period, by="team", target_minutes=target, rows=rows, total=_sum_rows(rows))


def monthly_summary_from_records(period: Period) -> MonthlySummary:
    """monthly_summary counted from the records themselves, row by row: what the rollups must equal
    (the tests compare the two), and the naive side of bench/bench_dashboard.py."""
    by_channel, by_disposition = _crosstabs(period)
    timeliness = transfer_timeliness(period, by="team")
    return MonthlySummary(
        period=period,
        total=by_channel.total,
        by_channel=by_channel,
        by_disposition=by_disposition,
        by_day=_by_day(period),
        by_unit=_by_unit(period, timeliness.target_minutes),
        work_orders=_work_order_figures(_orders_of(period)),
        callbacks=_callback_figures(Callback.objects.filter(work_order__contact__in=contacts_in(period))),
        return_visits=_visit_figures(ReturnVisit.objects.filter(work_order__contact__in=contacts_in(period))),
        timeliness=timeliness,
    )


def _crosstabs(period: Period) -> tuple[Crosstab, Crosstab]:
    # One grouped query gives both tables: at most categories × channels × dispositions rows.
    grouped = (
        contacts_in(period)
        .values("category__name", "category__sort_order", "category__code", "channel", "disposition")
        .annotate(n=Count("id"))
    )
    by_channel: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_disposition: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    order: dict[str, tuple] = {}
    for g in grouped:
        name = g["category__name"]
        order[name] = (g["category__sort_order"], g["category__code"])
        by_channel[name][g["channel"]] += g["n"]
        by_disposition[name][g["disposition"]] += g["n"]
    names = sorted(order, key=order.__getitem__)
    # Channels nobody used this month would be a wall of zeros; dispositions are few, show them all.
    used = {c for counts in by_channel.values() for c, n in counts.items() if n}
    channels = [(v, label) for v, label in Channel.choices if v in used]
    return _crosstab(names, channels, by_channel), _crosstab(names, list(D.choices), by_disposition)


def _crosstab(names: list[str], columns: list[tuple[str, str]], counts) -> Crosstab:
    table = Crosstab(columns=columns)
    for name in names:
        cells = [counts[name].get(value, 0) for value, _ in columns]
        table.rows.append((name, cells, sum(counts[name].values())))
    return table


def _by_day(period: Period) -> list[tuple[date, int]]:
    counts = dict(contacts_in(period).values_list("received_on").annotate(n=Count("id")))
    return [(day, counts.get(day, 0)) for day in period.days]


def _by_unit(period: Period, target_minutes: float) -> list[tuple[str, int, int]]:
    grouped = (
        contacts_in(period)
        .filter(transferred_to__isnull=False)
        .values("transferred_to__name", "transferred_to__code")
        .annotate(
            n=Count("id"),
            on_time=Count("id", filter=transferred_within(timedelta(minutes=target_minutes))),
        )
        .order_by("-n", "transferred_to__code")
    )
    return [(g["transferred_to__name"], g["n"], g["on_time"]) for g in grouped]


def _orders_of(period: Period):
    return WorkOrder.objects.filter(contact__in=contacts_in(period)).order_by()


def _work_order_figures(orders, *, now: datetime | None = None) -> WorkOrderFigures:
    now = now or timezone.now()
    due = Coalesce("promised_at", "deadline")
    figures = orders.annotate(due=due).aggregate(
        total=Count("id"),
        closed=Count("id", filter=Q(state=S.CLOSED)),
        open=Count("id", filter=~Q(state=S.CLOSED)),
        overdue_open=Count("id", filter=~Q(state=S.CLOSED) & Q(due__lt=now)),
        closed_late=Count("id", filter=Q(state=S.CLOSED, closed_at__gt=F("due"))),
    )
    return WorkOrderFigures(**figures)


def _callback_figures(callbacks, *, first: Q | None = None, done: Q | None = None) -> CallbackFigures:
    """First callbacks against their 24-hour due time (H6), and every recorded attempt's outcome.
    `first` and `done` narrow the two halves to a window (the weekly summary counts the first
    callbacks due in the week and the attempts made in it); the monthly cohort needs neither."""
    figures = callbacks.order_by().aggregate(**callback_counts(first=first, done=done))
    return CallbackFigures(**figures)


def _visit_figures(visits) -> VisitFigures:
    R = ReturnVisit.Result
    figures = visits.order_by().aggregate(
        satisfied=Count("id", filter=Q(result=R.SATISFIED)),
        basically=Count("id", filter=Q(result=R.BASICALLY_SATISFIED)),
        dissatisfied=Count("id", filter=Q(result=R.DISSATISFIED)),
    )
    return VisitFigures(**figures)


# ---------------------------------------------------------------------------------------------------
# W5 每周督办、反馈、回访


@dataclass
class SupervisionFigures:
    contacts: int = 0  # 上级督办 calls received in the week
    orders_open: int = 0  # of their work orders, still open
    orders_closed: int = 0
    escalated: dict[int, int] = field(default_factory=dict)  # level → orders escalated in the week
    escalated_open: int = 0

    @property
    def escalated_total(self) -> int:
        return sum(self.escalated.values())

    def as_dict(self) -> dict:
        return {
            "contacts": self.contacts,
            "orders_open": self.orders_open,
            "orders_closed": self.orders_closed,
            "escalated_by_level": {str(k): v for k, v in sorted(self.escalated.items())},
            "escalated_total": self.escalated_total,
            "escalated_open": self.escalated_open,
        }


ESCALATION_LEVELS = {1: "班长", 2: "客服部主任", 3: "中心主任"}


@dataclass
class InstructionRow:
    """One unit's leaders' instructions of the week (H17): 督办意见 and 批示, signed for or not."""

    label: str
    supervisions: int = 0
    escalations: int = 0
    acknowledged: int = 0

    @property
    def total(self) -> int:
        return self.supervisions + self.escalations

    @property
    def outstanding(self) -> int:
        return self.total - self.acknowledged

    def as_dict(self) -> dict:
        return {
            "unit": self.label,
            "supervisions": self.supervisions,
            "escalations": self.escalations,
            "total": self.total,
            "acknowledged": self.acknowledged,
            "outstanding": self.outstanding,
        }


@dataclass
class InstructionFigures:
    by_unit: list[InstructionRow] = field(default_factory=list)

    @property
    def total(self) -> InstructionRow:
        row = InstructionRow("合计")
        for r in self.by_unit:
            row.supervisions += r.supervisions
            row.escalations += r.escalations
            row.acknowledged += r.acknowledged
        return row

    def as_dict(self) -> dict:
        return {**self.total.as_dict(), "by_unit": [r.as_dict() for r in self.by_unit]}


NO_UNIT = "未转办（首问责任人签收）"


def instruction_figures(start: datetime, end: datetime, cut_off: datetime) -> InstructionFigures:
    """The week's 督办意见 and 批示 per unit, and how many were signed for by the cut-off (one grouped
    query on instruction_created_idx)."""
    K = LeaderInstruction.Kind
    rows = (
        LeaderInstruction.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("unit_id", "unit__name")
        .annotate(
            supervisions=Count("id", filter=Q(kind=K.SUPERVISION)),
            escalations=Count("id", filter=Q(kind=K.ESCALATION)),
            acknowledged=Count("id", filter=Q(acknowledged_at__lt=cut_off)),
        )
    )
    by_unit = [
        InstructionRow(r["unit__name"] or NO_UNIT, r["supervisions"], r["escalations"], r["acknowledged"])
        for r in rows
    ]
    by_unit.sort(key=lambda r: (-r.outstanding, -r.total, r.label))
    return InstructionFigures(by_unit)


@dataclass
class WeeklySummary:
    period: Period
    contacts: int
    transferred: int
    supervision: SupervisionFigures
    callbacks: CallbackFigures
    return_visits: VisitFigures
    reopened: int
    overdue_at_end: int
    cut_off: datetime
    # Leaders' 督办意见 and 批示 written in the week, per unit, signed for or outstanding (H17).
    instructions: InstructionFigures = field(default_factory=InstructionFigures)

    def as_dict(self) -> dict:
        return {
            "week": self.period.start.isoformat(),
            "label": self.period.label,
            "contacts": self.contacts,
            "transferred": self.transferred,
            "supervision": self.supervision.as_dict(),
            "callbacks": self.callbacks.as_dict(),
            "return_visits": self.return_visits.as_dict(),
            "reopened": self.reopened,
            "overdue_at_end": self.overdue_at_end,
            "cut_off": self.cut_off.isoformat(),
            "instructions": self.instructions.as_dict(),
        }


def weekly_summary(period: Period, *, now: datetime | None = None) -> WeeklySummary:
    """What the department head reports each week (seed 002 主任职责 6): supervision received,
    feedback to callers (callbacks), return visits, orders reopened and orders overdue at the week's
    end. Unlike the monthly cohort this is the week's activity: what was done between Monday and
    Sunday, whatever day the call came in."""
    now = now or timezone.now()
    start, end = period.bounds()
    cut_off = min(end, now)
    contacts = contacts_in(period).aggregate(
        total=Count("id"),
        transferred=Count("id", filter=Q(transferred_at__isnull=False)),
        supervision=Count("id", filter=Q(category__code=SUPERVISION)),
    )
    supervision = SupervisionFigures(contacts=contacts["supervision"])
    orders = (
        _orders_of(period)
        .filter(category__code=SUPERVISION)
        .aggregate(open=Count("id", filter=~Q(state=S.CLOSED)), closed=Count("id", filter=Q(state=S.CLOSED)))
    )
    supervision.orders_open, supervision.orders_closed = orders["open"], orders["closed"]
    # escalated_at is the latest escalation, escalation_level the level it reached (wo_escalated_idx).
    escalated = (
        WorkOrder.objects.filter(escalation_level__gt=0, escalated_at__gte=start, escalated_at__lt=end)
        .order_by()
        .values("escalation_level")
        .annotate(n=Count("id"), still_open=Count("id", filter=~Q(state=S.CLOSED)))
    )
    for g in escalated:
        supervision.escalated[g["escalation_level"]] = g["n"]
        supervision.escalated_open += g["still_open"]
    due_in_week = Q(due_at__gte=start, due_at__lt=end)
    done_in_week = Q(done_at__gte=start, done_at__lt=end)
    callbacks = _callback_figures(
        Callback.objects.filter(Q(attempt=1) & due_in_week | done_in_week),
        first=due_in_week,
        done=done_in_week,
    )
    visits = _visit_figures(ReturnVisit.objects.filter(visited_at__gte=start, visited_at__lt=end))
    reopened = (
        Event.objects.filter(
            verb=HotlineEvents.WORK_ORDER_REOPENED,
            target_type=ContentType.objects.get_for_model(WorkOrder),
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .values("target_id")
        .distinct()
        .count()
    )
    return WeeklySummary(
        period=period,
        contacts=contacts["total"],
        transferred=contacts["transferred"],
        supervision=supervision,
        callbacks=callbacks,
        return_visits=visits,
        reopened=reopened,
        overdue_at_end=overdue_at(cut_off),
        cut_off=cut_off,
        instructions=instruction_figures(start, end, cut_off),
    )


def overdue_at(moment: datetime) -> int:
    """Work orders that were open and past due at `moment`. There is no state history to replay, so
    an order counts if it existed and was due before then and is still open or was closed only
    afterwards. (Reopening clears closed_at, so a reopened order counts as open throughout.)"""
    return (
        WorkOrder.objects.order_by()
        .annotate(due=Coalesce("promised_at", "deadline"))
        .filter(created_at__lt=moment, due__lt=moment)
        .filter(~Q(state=S.CLOSED) | Q(closed_at__gte=moment))
        .count()
    )
