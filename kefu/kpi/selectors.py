"""The KPI dashboard's figures (R1, R2; H5 transfer timeliness, H6 24-hour callback, W2 on-time
completion, H7 satisfaction, T3 answered within three rings, workload per agent and per unit).

Period figures add up rollup rows (kefu.kpi.models): a year of them is a few hundred thousand rows at
most, whatever the number of contacts. Figures "now" (open and overdue work orders, counter stages past
their deadline) are counted live from partial indexes over the open records, which stay few.
Every figure comes with the filters of the list behind it, so a chart's click opens that list.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from kefu.accounts.models import ServiceArea, Unit, User
from kefu.hotline.measures import percent
from kefu.hotline.models import Category, Channel, WorkOrder
from kefu.kpi.filters import Filters
from kefu.kpi.models import AgentDay, ContactDay, ContactMonth, HourDay
from kefu.processes.models import Process, ProcessDefinition, StageDefinition

SUMMED = [
    "contacts", "answered", "followed", "closed_at_once", "transferred", "transfers", "transfers_on_time",
    "transfers_timed", "transfer_wait_seconds", "orders", "orders_closed", "orders_closed_late",
    "callbacks_due", "callbacks_on_time", "callbacks_late", "callbacks_pending", "callbacks_done",
    "callbacks_reached", "callbacks_satisfied", "visits_satisfied", "visits_basically", "visits_dissatisfied",
]  # fmt: skip
# Longer ranges are drawn by month: 1,000 daily points are a smear, 36 monthly ones a trend.
DAILY_UP_TO_DAYS = 62


def _summed() -> dict:
    """Sum of every rollup measure; 0 instead of NULL over no rows (the float one stays a float)."""
    return {f: Coalesce(Sum(f), 0.0 if f == "transfer_wait_seconds" else 0) for f in SUMMED}


def pieces(filters: Filters) -> list:
    """The rollup rows that cover the range: whole calendar months from ContactMonth, the days before
    the first and after the last whole month from ContactDay. A year is twelve months' rows."""
    dims = filters.dimension_filter()
    start, end = filters.start, filters.end
    first_full = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    after_last_full = (end + timedelta(days=1)).replace(
        day=1
    )  # first day of the month after the last whole one
    if first_full >= after_last_full:
        return [ContactDay.objects.filter(day__gte=start, day__lte=end, **dims)]
    found = [ContactMonth.objects.filter(month__gte=first_full, month__lt=after_last_full, **dims)]
    if start < first_full:
        found.append(ContactDay.objects.filter(day__gte=start, day__lt=first_full, **dims))
    if after_last_full <= end:
        found.append(ContactDay.objects.filter(day__gte=after_last_full, day__lte=end, **dims))
    return found


def _merge(groups: list[list[dict]], keys: tuple) -> list[dict]:
    merged: dict[tuple, dict] = {}
    for rows in groups:
        for row in rows:
            key = tuple(row[k] for k in keys)
            if key not in merged:
                merged[key] = dict(row)
                continue
            into = merged[key]
            for name, value in row.items():
                if name not in keys:
                    into[name] = max(into[name], value) if name == "transfer_wait_max" else into[name] + value
    return [merged[k] for k in sorted(merged, key=lambda k: tuple(str(v) for v in k))]


def _sums(filters: Filters, *group: str) -> list[dict]:
    if not group:  # one row over everything: aggregate, not GROUP BY
        return _merge([[q.aggregate(**_summed())] for q in pieces(filters)], ())
    return _merge([list(q.values(*group).annotate(**_summed()).order_by()) for q in pieces(filters)], group)


def totals(filters: Filters) -> dict:
    rows = _sums(filters)
    return _with_rates(rows[0] if rows else {f: 0 for f in SUMMED})


def _with_rates(row: dict) -> dict:
    visits = row["visits_satisfied"] + row["visits_basically"] + row["visits_dissatisfied"]
    row.update(
        visits=visits,
        transfer_rate=percent(row["transfers_on_time"], row["transfers"]),
        callback_rate=percent(row["callbacks_on_time"], row["callbacks_due"]),
        completion_rate=percent(row["orders_closed"] - row["orders_closed_late"], row["orders_closed"]),
        satisfaction_rate=percent(row["visits_satisfied"] + row["visits_basically"], visits),
        avg_transfer_minutes=(
            round(row["transfer_wait_seconds"] / row["transfers_timed"] / 60, 1)
            if row["transfers_timed"]
            else None
        ),
    )
    return row


def _agent_filter(filters: Filters) -> dict:
    return {"day__gte": filters.start, "day__lte": filters.end}


def rings(filters: Filters) -> dict:
    """Answered within three rings (T3): calls are the agents', not a category's or a unit's, so only
    the date range applies."""
    row = AgentDay.objects.filter(**_agent_filter(filters)).aggregate(
        calls=Coalesce(Sum("calls"), 0),
        answered=Coalesce(Sum("calls_answered"), 0),
        in_time=Coalesce(Sum("calls_in_time"), 0),
        judged=Coalesce(Sum("calls_judged"), 0),
    )
    row["rate"] = percent(row["in_time"], row["judged"])
    return row


def trend(filters: Filters) -> dict:
    """Contacts by day (or month) beside the same period last year."""
    monthly = filters.days > DAILY_UP_TO_DAYS

    def series(f: Filters) -> dict:
        if monthly:
            counts: dict[tuple, int] = defaultdict(int)
            for rows in pieces(f):
                if rows.model is ContactMonth:
                    rows = rows.annotate(m=F("month"))
                else:
                    rows = rows.annotate(m=TruncMonth("day"))
                for g in rows.values("m").annotate(n=Sum("contacts")).order_by():
                    counts[(g["m"].year, g["m"].month)] += g["n"]
            return dict(counts)
        grouped = ContactDay.objects.filter(**f.rollup_filter()).values("day").annotate(n=Sum("contacts"))
        return {g["day"]: g["n"] for g in grouped.order_by("day")}

    now, before = series(filters), series(filters.last_year())
    if monthly:
        keys = _months(filters.start, filters.end)
        labels = [f"{y}-{m:02d}" for y, m in keys]
        earlier = [before.get((y - 1, m), 0) for y, m in keys]
    else:
        keys = [filters.start + timedelta(days=n) for n in range(filters.days)]
        labels = [d.isoformat() for d in keys]
        earlier = []
        for d in keys:
            try:
                earlier.append(before.get(d.replace(year=d.year - 1), 0))
            except ValueError:  # 29 February
                earlier.append(0)
    return {
        "by": "month" if monthly else "day",
        "labels": labels,
        "current": [now.get(k, 0) for k in keys],
        "last_year": earlier,
        # every day of last year's range, 29 February included (the chart has no place for it)
        "last_year_total": list(before.values()),
    }


def _months(start: date, end: date) -> list[tuple[int, int]]:
    months, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def by_hour(filters: Filters) -> list[int]:
    where = _agent_filter(filters)
    if filters.channel:
        where["channel"] = filters.channel
    counts = dict(HourDay.objects.filter(**where).values_list("hour").annotate(n=Sum("contacts")).order_by())
    return [counts.get(h, 0) for h in range(24)]


def _names(model, ids, field="name") -> dict[int, str]:
    return dict(model.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", field))


DIMENSION_COLUMN = {"unit": "unit_id", "category": "category_id", "area": "area_id", "channel": "channel"}


def by_dimension(filters: Filters, dimension: str, grouped: list[dict] | None = None) -> list[dict]:
    """Rows per unit, category, area or channel, with their rates, biggest first. `grouped`: rows
    already summed by a finer key that includes this column (the dashboard reads them once)."""
    column = DIMENSION_COLUMN[dimension]
    if grouped is None:
        grouped = _sums(filters, column)
    else:
        grouped = _merge([[{k: r[k] for k in (column, *SUMMED)} for r in grouped]], (column,))
    rows = [_with_rates(r) for r in grouped]
    if dimension == "channel":
        names = dict(Channel.choices)
    else:
        model = {"unit": Unit, "category": Category, "area": ServiceArea}[dimension]
        names = _names(model, [r[column] for r in rows])
    empty = {"unit": "未转办", "category": "—", "area": "未定片区", "channel": "—"}[dimension]
    for r in rows:
        r["key"] = r[column]
        r["label"] = str(names.get(r[column], empty)) if r[column] else empty
    rows.sort(key=lambda r: (-r["contacts"], r["label"]))
    return rows


def area_matters(filters: Filters, top: int = 8) -> dict:
    """Top matters by service area: the heat map's cells are contacts per area × category."""
    grouped = _merge(
        [
            list(q.values("area_id", "category_id").annotate(n=Sum("contacts")).order_by())
            for q in pieces(filters)
        ],
        ("area_id", "category_id"),
    )
    cells, by_category, by_area = [], defaultdict(int), defaultdict(int)
    for g in grouped:
        cells.append((g["area_id"], g["category_id"], g["n"]))
        by_category[g["category_id"]] += g["n"]
        by_area[g["area_id"]] += g["n"]
    categories = sorted(by_category, key=lambda c: -by_category[c])[:top]
    areas = sorted(by_area, key=lambda a: -by_area[a])
    category_names, area_names = _names(Category, categories), _names(ServiceArea, areas)
    ci, ai = {c: i for i, c in enumerate(categories)}, {a: i for i, a in enumerate(areas)}
    return {
        "categories": [{"key": c, "label": category_names.get(c, "—")} for c in categories],
        "areas": [{"key": a, "label": area_names.get(a, "未定片区") if a else "未定片区"} for a in areas],
        "cells": [[ci[c], ai[a], n] for a, c, n in cells if c in ci],
    }


def agents(filters: Filters, limit: int = 30) -> list[dict]:
    """Workload per agent: contacts taken, transfers on time, calls answered within three rings."""
    grouped = (
        AgentDay.objects.filter(**_agent_filter(filters))
        .values("agent_id")
        .annotate(
            contacts=Sum("contacts"),
            answered=Sum("answered"),
            transfers=Sum("transfers"),
            transfers_on_time=Sum("transfers_on_time"),
            calls=Sum("calls"),
            calls_answered=Sum("calls_answered"),
            calls_in_time=Sum("calls_in_time"),
            calls_judged=Sum("calls_judged"),
        )
        .order_by("-contacts", "agent_id")
    )
    rows = [g for g in grouped if g["agent_id"]][:limit]
    users = {
        u.pk: u for u in User.objects.filter(pk__in=[r["agent_id"] for r in rows]).only("name", "username")
    }
    for r in rows:
        user = users.get(r["agent_id"])
        r["label"] = (user.name or user.username) if user else f"#{r['agent_id']}"
        r["transfer_rate"] = percent(r["transfers_on_time"], r["transfers"])
        r["ring_rate"] = percent(r["calls_in_time"], r["calls_judged"])
    return rows


def open_orders(filters: Filters, now: datetime | None = None) -> dict:
    """Open and overdue work orders now, per unit (live: the open orders are a small part of all)."""
    now = now or timezone.now()
    orders = filters.narrow_orders(WorkOrder.objects.open().order_by())
    due = Coalesce("promised_at", "deadline")
    grouped = list(
        orders.annotate(due=due)
        .values("unit_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due__lt=now)))
        .order_by("-open")
    )
    names = _names(Unit, [g["unit_id"] for g in grouped])
    rows = [
        {
            "key": g["unit_id"] or 0,
            "label": names.get(g["unit_id"], "坐席跟进"),
            "open": g["open"],
            "overdue": g["overdue"],
        }
        for g in grouped
    ]
    return {
        "rows": rows,
        "open": sum(r["open"] for r in rows),
        "overdue": sum(r["overdue"] for r in rows),
    }


def counter(filters: Filters, now: datetime | None = None) -> dict:
    """Counter business (P11): processes taken in by business in the range, and the stages holding
    processes past their deadline now."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start = datetime.combine(filters.start, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(filters.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    processes = filters.narrow_orders(Process.objects.order_by())
    taken = dict(
        processes.filter(created_at__gte=start, created_at__lt=end)
        .values_list("definition_id")
        .annotate(n=Count("id"))
    )
    completed = dict(
        processes.filter(state=Process.State.COMPLETED, completed_at__gte=start, completed_at__lt=end)
        .values_list("definition_id")
        .annotate(n=Count("id"))
    )
    overdue = dict(
        processes.filter(state=Process.State.ACTIVE, due_at__lt=now)
        .values_list("current_stage_id")
        .annotate(n=Count("id"))
    )
    definitions = ProcessDefinition.objects.filter(pk__in=set(taken) | set(completed)).order_by("pk")
    stages = (
        StageDefinition.objects.filter(pk__in=overdue)
        .select_related("definition")
        .order_by("definition", "pk")
    )
    return {
        "businesses": [
            {
                "key": d.pk,
                "code": d.code,
                "label": d.name,
                "taken": taken.get(d.pk, 0),
                "completed": completed.get(d.pk, 0),
            }
            for d in definitions
        ],
        "overdue_stages": [
            {"key": s.pk, "label": f"{s.definition.name}·{s.name}", "overdue": overdue[s.pk]} for s in stages
        ],
        "overdue": sum(overdue.values()),
    }


def filter_choices(filters: Filters) -> dict:
    units = Unit.objects.order_by("code").values_list("pk", "name")
    if filters.unit_locked:
        units = units.filter(pk=filters.unit_id)
    return {
        "units": list(units),
        "areas": list(ServiceArea.objects.order_by("code").values_list("pk", "name")),
        "categories": list(Category.objects.order_by("sort_order", "code").values_list("pk", "name")),
        "channels": list(Channel.choices),
    }


def dashboard(filters: Filters, now: datetime | None = None) -> dict:
    """Everything the dashboard draws, JSON-ready. The rollup rows are summed once by unit × category ×
    channel, and the three breakdowns and the totals are added up from those few hundred groups; last
    year's total is the sum of the trend's other line."""
    now = now or timezone.now()
    grouped = _sums(filters, "unit_id", "category_id", "channel")
    channels = by_dimension(filters, "channel", grouped)
    summary = _with_rates({f: sum(r[f] for r in channels) for f in SUMMED})
    lines = trend(filters)
    return {
        "filters": {
            "start": filters.start.isoformat(),
            "end": filters.end.isoformat(),
            "query": filters.query(),
        },
        "summary": summary,
        "last_year": {"contacts": sum(lines["last_year_total"])},
        "rings": rings(filters),
        "trend": {k: v for k, v in lines.items() if k != "last_year_total"},
        "by_hour": by_hour(filters),
        "by_unit": by_dimension(filters, "unit", grouped),
        "by_category": by_dimension(filters, "category", grouped),
        "by_channel": channels,
        "area_matters": area_matters(filters),
        "agents": agents(filters) if not filters.unit_locked else [],
        "open_orders": open_orders(filters, now),
        "counter": counter(filters, now),
    }
