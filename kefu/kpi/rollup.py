"""Keeping the rollups (kefu.kpi.models) equal to the hotline's records.

One code path does it all: `recompute_day(day)` reads the contacts received that day (an index range
on received_at, a few thousand rows) with their work orders, callbacks, return visits and the day's
calls, groups them in the database, and replaces the day's rollup rows in one transaction. On top:

- `refresh()` — the worker's incremental step. A watermark remembers when the last run started; the
  days touched since then are found through the `updated_at` indexes of the four hotline tables (and
  `started_at` of calls), and only those days are recomputed. The watermark steps back by a margin
  (policy kpi.refresh_margin_seconds) so that a transaction that began before the last run but committed
  after it is still seen.
- `rebuild()` — every day from the first contact to today, from scratch (`manage.py rebuild_kpi`),
  after an import, a restore, or a change of the policies the figures depend on.

Why not count in the same transaction as each write: every agent's create would then update the same
"today × category × area" rows and queue behind the others' row locks; recomputing a day takes ~0.1 s
and runs in the worker, so the write path stays as fast as it was and the figures lag by one worker
interval (the dashboard says how fresh they are).
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, DateTimeField, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractHour, TruncDate
from django.utils import timezone

from kefu.accounts.models import User
from kefu.core.policies import get_policy
from kefu.hotline.measures import TRANSFERABLE, WAIT, callback_counts, transferred_within
from kefu.hotline.models import Callback, Contact, ReturnVisit, WorkOrder
from kefu.kpi.models import AgentDay, ContactDay, ContactMonth, HourDay, Watermark
from kefu.telephony.models import Call

D = Contact.Disposition
WATERMARK = "hotline"
KEY = ("channel", "category_id", "area_id", "unit_id")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(day, time.min, tzinfo=tz), datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=tz
    )


def _seconds(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) / 1_000_000  # SQLite hands durations back in microseconds


def _contacts_of(day: date):
    start, end = day_bounds(day)
    return Contact.objects.filter(received_at__gte=start, received_at__lt=end).order_by()


def _contact_dims(prefix: str = "") -> dict:
    """The rollup key of a contact, as expressions usable from the contact or from a related table."""
    return {
        "k_channel": F(f"{prefix}channel"),
        "k_category": F(f"{prefix}category_id"),
        "k_area": Coalesce(F(f"{prefix}service_area_id"), Value(0)),
        # The unit that holds the work order (it may have been reassigned), else the one transferred to.
        "k_unit": Coalesce(F(f"{prefix}work_order__unit_id"), F(f"{prefix}transferred_to_id"), Value(0)),
    }


def _key(row: dict) -> tuple:
    return (row["k_channel"], row["k_category"], row["k_area"], row["k_unit"])


def transfer_measures(target: timedelta) -> dict:
    """H5 for a group of contacts: transfers, how many within the target, and their waits."""
    return {
        "transfers": Count("id", filter=TRANSFERABLE),
        "transfers_on_time": Count("id", filter=TRANSFERABLE & transferred_within(target)),
        "transfers_timed": Count("id", filter=TRANSFERABLE & Q(transferred_at__isnull=False)),
        "transfer_wait": Sum(WAIT, filter=TRANSFERABLE),
        "transfer_wait_max": Max(WAIT, filter=TRANSFERABLE),
    }


def contact_rows(day: date) -> list[ContactDay]:
    target = timedelta(minutes=float(get_policy("hotline.transfer_target_minutes")))
    closed = Q(work_order__state=WorkOrder.State.CLOSED)
    due = Coalesce("work_order__promised_at", "work_order__deadline", output_field=DateTimeField())
    rows: dict[tuple, ContactDay] = {}

    def row(key: tuple) -> ContactDay:
        if key not in rows:
            rows[key] = ContactDay(
                day=day, channel=key[0], category_id=key[1], area_id=key[2], unit_id=key[3]
            )
        return rows[key]

    contacts = (
        _contacts_of(day)
        .values(**_contact_dims())
        .annotate(
            contacts=Count("id"),
            answered=Count("id", filter=Q(disposition=D.ANSWERED)),
            followed=Count("id", filter=Q(disposition=D.FOLLOW_UP)),
            closed_at_once=Count("id", filter=Q(disposition=D.CLOSED)),
            transferred=Count("id", filter=Q(disposition=D.TRANSFERRED)),
            **transfer_measures(target),
            orders=Count("work_order"),
            orders_closed=Count("work_order", filter=closed),
            orders_closed_late=Count("work_order", filter=closed & Q(work_order__closed_at__gt=due)),
        )
    )
    for g in contacts:
        r = row(_key(g))
        for name in (
            "contacts", "answered", "followed", "closed_at_once", "transferred", "transfers",
            "transfers_on_time", "transfers_timed", "orders", "orders_closed", "orders_closed_late",
        ):  # fmt: skip
            setattr(r, name, g[name])
        r.transfer_wait_seconds = round(_seconds(g["transfer_wait"]), 3)
        r.transfer_wait_max = round(_seconds(g["transfer_wait_max"]), 3)

    start, end = day_bounds(day)
    cohort = {"work_order__contact__received_at__gte": start, "work_order__contact__received_at__lt": end}
    callbacks = (
        Callback.objects.filter(**cohort)
        .order_by()
        .values(**_contact_dims("work_order__contact__"))
        .annotate(**callback_counts())
    )
    for g in callbacks:
        r = row(_key(g))
        r.callbacks_due, r.callbacks_on_time, r.callbacks_late = g["due"], g["on_time"], g["done_late"]
        r.callbacks_pending, r.callbacks_done = g["pending"], g["done"]
        r.callbacks_reached, r.callbacks_satisfied = g["reached"], g["satisfied"]

    R = ReturnVisit.Result
    visits = (
        ReturnVisit.objects.filter(**cohort)
        .order_by()
        .values(**_contact_dims("work_order__contact__"))
        .annotate(
            satisfied=Count("id", filter=Q(result=R.SATISFIED)),
            basically=Count("id", filter=Q(result=R.BASICALLY_SATISFIED)),
            dissatisfied=Count("id", filter=Q(result=R.DISSATISFIED)),
        )
    )
    for g in visits:
        r = row(_key(g))
        r.visits_satisfied, r.visits_basically, r.visits_dissatisfied = (
            g["satisfied"], g["basically"], g["dissatisfied"],
        )  # fmt: skip
    return list(rows.values())


def hour_rows(day: date) -> list[HourDay]:
    tz = timezone.get_current_timezone()
    grouped = (
        _contacts_of(day)
        .values("channel", hour=ExtractHour("received_at", tzinfo=tz))
        .annotate(n=Count("id"))
    )
    return [HourDay(day=day, hour=g["hour"], channel=g["channel"], contacts=g["n"]) for g in grouped]


def agent_rows(day: date) -> list[AgentDay]:
    target = timedelta(minutes=float(get_policy("hotline.transfer_target_minutes")))
    rows: dict[tuple, AgentDay] = {}
    grouped = (
        _contacts_of(day)
        .values(a=Coalesce("agent_id", Value(0)), t=Coalesce("team_id", Value(0)))
        .annotate(
            contacts=Count("id"),
            answered=Count("id", filter=Q(disposition=D.ANSWERED)),
            **transfer_measures(target),
        )
    )
    for g in grouped:
        rows[(g["a"], g["t"])] = AgentDay(
            day=day, agent_id=g["a"], team_id=g["t"], contacts=g["contacts"], answered=g["answered"],
            transfers=g["transfers"], transfers_on_time=g["transfers_on_time"],
            transfers_timed=g["transfers_timed"],
            transfer_wait_seconds=round(_seconds(g["transfer_wait"]), 3),
            transfer_wait_max=round(_seconds(g["transfer_wait_max"]), 3),
        )  # fmt: skip
    start, end = day_bounds(day)
    calls = (
        Call.objects.filter(started_at__gte=start, started_at__lt=end)
        .order_by()
        .values(a=Coalesce("agent_id", Value(0)))
        .annotate(
            rung=Count("id"),
            answered=Count("id", filter=Q(answer_at__isnull=False)),
            in_time=Count("id", filter=Q(answered_in_time=True)),
            judged=Count("id", filter=Q(answered_in_time__isnull=False)),
        )
    )
    calls = list(calls)
    teams = dict(User.objects.filter(pk__in=[g["a"] for g in calls if g["a"]]).values_list("pk", "team_id"))
    for g in calls:
        key = (g["a"], teams.get(g["a"]) or 0)
        r = rows.setdefault(key, AgentDay(day=day, agent_id=key[0], team_id=key[1]))
        r.calls, r.calls_answered, r.calls_in_time, r.calls_judged = (
            g["rung"], g["answered"], g["in_time"], g["judged"],
        )  # fmt: skip
    return list(rows.values())


def recompute_day(day: date) -> int:
    """Replace the day's rollup rows by what the records say now. Returns the number of rows written."""
    contact_day, hour_day, agent_day = contact_rows(day), hour_rows(day), agent_rows(day)
    with transaction.atomic():
        for model, fresh in ((ContactDay, contact_day), (HourDay, hour_day), (AgentDay, agent_day)):
            model.objects.filter(day=day).delete()
            model.objects.bulk_create(fresh, batch_size=500)
    return len(contact_day) + len(hour_day) + len(agent_day)


MONTH_KEY = ("channel", "category_id", "area_id", "unit_id")


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def recompute_month(month: date) -> int:
    """Replace the month's ContactMonth rows by the sums of its ContactDay rows."""
    start = first_of_month(month)
    end = (start + timedelta(days=32)).replace(day=1)
    measures = [
        f.name for f in ContactMonth._meta.concrete_fields if f.name not in ("id", "month", *MONTH_KEY)
    ]
    grouped = (
        ContactDay.objects.filter(day__gte=start, day__lt=end)
        .values(*MONTH_KEY)
        .annotate(**{f"sum_{m}": (Max(m) if m == "transfer_wait_max" else Sum(m)) for m in measures})
        .order_by()
    )
    rows = [
        ContactMonth(month=start, **{k: g[k] for k in MONTH_KEY}, **{m: g[f"sum_{m}"] for m in measures})
        for g in grouped
    ]
    with transaction.atomic():
        ContactMonth.objects.filter(month=start).delete()
        ContactMonth.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def recompute(days: Iterable[date], progress: Callable[[date, int], None] | None = None) -> int:
    """Recompute the days, then the months they fall in."""
    written = 0
    for day in sorted(days):
        rows = recompute_day(day)
        written += rows
        if progress:
            progress(day, rows)
    for month in sorted({first_of_month(d) for d in days}):
        written += recompute_month(month)
    return written


def touched_days(since: datetime) -> set[date]:
    """The receiving days of every contact whose records changed at or after `since`."""
    days: set[date] = set()
    days.update(
        Contact.objects.filter(updated_at__gte=since).values_list("received_on", flat=True).distinct()
    )
    for model in (WorkOrder, Callback, ReturnVisit):
        path = "contact__received_on" if model is WorkOrder else "work_order__contact__received_on"
        days.update(model.objects.filter(updated_at__gte=since).values_list(path, flat=True).distinct())
    tz = timezone.get_current_timezone()
    calls = (
        Call.objects.filter(started_at__gte=since).order_by().annotate(day=TruncDate("started_at", tzinfo=tz))
    )
    days.update(calls.values_list("day", flat=True).distinct())
    return days


def refresh(now: datetime | None = None) -> int:
    """Fold the changes since the last run into the rollups. Returns how many days were recomputed.

    Two workers may run this at once: each recomputes whole days in its own transaction, and the
    watermark only moves forward, so the worst case is a day recomputed twice."""
    now = now or timezone.now()
    margin = timedelta(seconds=int(get_policy("kpi.refresh_margin_seconds")))
    mark = Watermark.objects.filter(name=WATERMARK).first()
    if mark is None:
        # Nothing folded yet: a first run over a large history is rebuild()'s job, not the worker's.
        days = set(all_days())
    else:
        days = touched_days(mark.value - margin)
    recompute(days)
    _advance(now, len(days))
    return len(days)


def _advance(now: datetime, count: int) -> None:
    with transaction.atomic():
        mark = Watermark.objects.select_for_update().filter(name=WATERMARK).first()
        if mark is None:
            Watermark.objects.create(
                name=WATERMARK, value=now, days_refreshed=count, refreshed_at=timezone.now()
            )
        elif mark.value < now:
            mark.value, mark.days_refreshed, mark.refreshed_at = now, count, timezone.now()
            mark.save()


def all_days() -> list[date]:
    """Every day that has a contact or a call: days without records have no rollup rows."""
    tz = timezone.get_current_timezone()
    days = set(Contact.objects.order_by().values_list("received_on", flat=True).distinct())
    calls = Call.objects.order_by().annotate(day=TruncDate("started_at", tzinfo=tz))
    days.update(calls.values_list("day", flat=True).distinct())
    return sorted(days)


def rebuild(days: Iterable[date] | None = None, progress: Callable[[date, int], None] | None = None) -> int:
    """Recompute every day (or the given ones) from scratch; the watermark is set to the start."""
    started = timezone.now()
    if days is None:
        days = all_days()
        # From scratch: rows of days that no longer have records (a restore of an older dump) go too.
        with transaction.atomic():
            for model in (ContactDay, ContactMonth, HourDay, AgentDay):
                model.objects.all().delete()
    days = list(days)
    written = recompute(days, progress)
    _advance(started, len(days))
    return written


def freshness() -> Watermark | None:
    return Watermark.objects.filter(name=WATERMARK).first()
