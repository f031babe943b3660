"""The lists behind the dashboard's figures: a chart's click opens the records it counted.

Each metric names the records (contacts of the period, open work orders now, counter processes) and
the condition that made them count, with the same definitions the rollups use (kefu.kpi.rollup), so a
list has exactly as many rows as the figure that led to it. Period lists take their total from the
rollups too: counting a year of contacts row by row is what the rollups are there to avoid.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from kefu.core.params import object_id
from kefu.core.policies import get_policy
from kefu.hotline.measures import TRANSFERABLE, transferred_within
from kefu.hotline.models import Callback, Contact, ReturnVisit, WorkOrder
from kefu.kpi import selectors
from kefu.kpi.filters import Filters
from kefu.kpi.models import ContactDay
from kefu.processes.models import Process


@dataclass(frozen=True)
class Metric:
    code: str
    title: str
    kind: str  # "contact", "work_order" or "process"
    rollup_total: str | None = None  # the summary figure that equals the list's length


METRICS = {
    m.code: m
    for m in [
        Metric("contacts", "来电来访", "contact", "contacts"),
        Metric("transfers", "转办", "contact", "transfers"),
        Metric("transfers_late", "转办不及时", "contact"),
        Metric("orders_closed_late", "超期办结的工单", "contact", "orders_closed_late"),
        Metric("callbacks_late", "未按时回电（含尚未回电）", "contact"),
        Metric("dissatisfied", "回访不满意", "contact", "visits_dissatisfied"),
        Metric("agent", "坐席受理的来电来访", "contact"),
        Metric("open_orders", "未办结工单（当前）", "work_order"),
        Metric("overdue_orders", "超期未办结工单（当前）", "work_order"),
        Metric("counter_taken", "窗口受理的业务", "process"),
        Metric("counter_overdue", "环节超时的业务（当前）", "process"),
    ]
}


def metric(code: str) -> Metric:
    if code not in METRICS:
        raise ValidationError(f"没有名为“{code}”的指标明细")
    return METRICS[code]


def _int(params, name: str, label: str) -> int | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    pk = object_id(value)
    if pk is None:
        raise ValidationError(f"{label}“{value}”不是有效编号")
    return pk


def _bounds(filters: Filters) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(filters.start, time.min, tzinfo=tz),
        datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=tz),
    )


# The rollup measure that counts each list's rows: the days where it is zero need not be read at all.
DAY_MEASURE = {
    "transfers": F("transfers"),
    "transfers_late": F("transfers") - F("transfers_on_time"),
    "orders_closed_late": F("orders_closed_late"),
    "callbacks_late": F("callbacks_due") - F("callbacks_on_time"),
    "dissatisfied": F("visits_dissatisfied"),
}
# Up to this many days with matches, the list reads just those days (an OR of index ranges); beyond,
# matches are common enough that walking the period newest first finds a page quickly.
FEW_DAYS = 12


def _received_in(code: str, filters: Filters) -> Q:
    """Where the list's contacts can be: the period, or only its days whose rollup counts one. A rare
    figure (three late transfers in a month) is then a few days' read, not a walk through 300,000
    contacts to find nothing."""
    start, end = _bounds(filters)
    period = Q(received_at__gte=start, received_at__lt=end)
    if code not in DAY_MEASURE:
        return period
    days = list(
        ContactDay.objects.filter(**filters.rollup_filter())
        .values("day")
        .annotate(n=Sum(DAY_MEASURE[code]))
        .filter(n__gt=0)
        .order_by("day")
        .values_list("day", flat=True)
    )
    if len(days) > FEW_DAYS:
        return period
    if not days:
        return Q(pk__in=[])
    # One index range from the first to the last of those days, narrowed to the days themselves: an OR
    # of day ranges misleads the planner into walking the whole index from the newest contact.
    tz = timezone.get_current_timezone()
    first = datetime.combine(days[0], time.min, tzinfo=tz)
    last = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=tz)
    return Q(received_at__gte=first, received_at__lt=last, received_on__in=days)


def contacts(code: str, filters: Filters, params):
    rows = Contact.objects.filter(_received_in(code, filters))
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.category_id:
        rows = rows.filter(category_id=filters.category_id)
    if filters.area_id:
        rows = rows.filter(service_area_id=filters.area_id)
    if filters.unit_id:
        # the rollup's unit: the work order's holder, else the unit the contact was transferred to.
        # Deliberately not Contact.objects.visible_to(user), though a unit's staff are held to their
        # unit here (filters.scope_for): the list must have exactly the rows its figure counted, and
        # the rollups count a contact under one unit only, its holder's, so the orders the unit
        # co-handles (which visible_to adds) are in the holder's figure, not this one's. Nor does it
        # show more than visible_to: services never leave a transferred contact without a work order,
        # so the transferred-to branch of the OR only finds rows the holder's unit could open anyway.
        # visible_to's `work_order IN (… unit OR co-handled …)` would also add a subplan per contact to
        # the received_at walk that PERFORMANCE.md measures at 10 M contacts, for rows it must drop.
        rows = rows.filter(
            Q(work_order__unit_id=filters.unit_id)
            | Q(work_order__unit_id__isnull=True, transferred_to_id=filters.unit_id)
        )
    target = timedelta(minutes=float(get_policy("hotline.transfer_target_minutes")))
    if code == "transfers":
        rows = rows.filter(TRANSFERABLE)
    elif code == "transfers_late":
        rows = rows.filter(TRANSFERABLE).exclude(transferred_within(target))
    elif code == "orders_closed_late":
        due = Coalesce("work_order__promised_at", "work_order__deadline", output_field=DateTimeField())
        rows = rows.filter(work_order__state=WorkOrder.State.CLOSED, work_order__closed_at__gt=due)
    elif code == "callbacks_late":
        late = Callback.objects.filter(work_order__contact=OuterRef("pk"), attempt=1).filter(
            Q(done_at__gt=F("due_at")) | Q(done_at__isnull=True)
        )
        rows = rows.filter(Exists(late))
    elif code == "dissatisfied":
        bad = ReturnVisit.objects.filter(
            work_order__contact=OuterRef("pk"), result=ReturnVisit.Result.DISSATISFIED
        )
        rows = rows.filter(Exists(bad))
    elif code == "agent":
        agent = _int(params, "agent", "坐席")
        if agent is None:
            raise ValidationError("请指定坐席")
        rows = rows.filter(agent_id=agent)
    return rows.select_related("category", "service_area", "transferred_to", "work_order").order_by(
        "-received_at", "-id"
    )


def work_orders(code: str, filters: Filters, params, now: datetime | None = None):
    now = now or timezone.now()
    # By the holder's unit, as the open-orders figure counts them (the partial index behind it reads
    # unit_id alone); not visible_to, whose co-handled orders are counted in their holder's figure.
    rows = filters.narrow_orders(WorkOrder.objects.open())
    unit = _int(params, "row_unit", "责任单位")
    if unit is not None:
        rows = rows.filter(unit_id=unit) if unit else rows.filter(unit_id__isnull=True)
    rows = rows.annotate(due=Coalesce("promised_at", "deadline", output_field=DateTimeField()))
    if code == "overdue_orders":
        rows = rows.filter(due__lt=now)
    return rows.select_related("category", "unit", "service_area", "contact").order_by("due", "id")


def processes(code: str, filters: Filters, params, now: datetime | None = None):
    now = now or timezone.now()
    rows = filters.narrow_orders(Process.objects.all())
    if code == "counter_taken":
        start, end = _bounds(filters)
        rows = rows.filter(created_at__gte=start, created_at__lt=end)
        business = _int(params, "business", "业务")
        if business:
            rows = rows.filter(definition_id=business)
        rows = rows.order_by("-created_at", "-id")
    else:
        rows = rows.filter(state=Process.State.ACTIVE, due_at__lt=now)
        stage = _int(params, "stage", "环节")
        if stage:
            rows = rows.filter(current_stage_id=stage)
        rows = rows.order_by("due_at", "id")
    return rows.select_related("definition", "current_stage", "customer", "unit")


def rows_for(code: str, filters: Filters, params):
    m = metric(code)
    if m.kind == "contact":
        return contacts(code, filters, params)
    if m.kind == "work_order":
        return work_orders(code, filters, params)
    return processes(code, filters, params)


def known_total(code: str, filters: Filters, params) -> int | None:
    """The list's length from the rollups when the list is one of their figures and no extra
    narrowing applies; None means "count the rows" (the live lists are short)."""
    m = metric(code)
    if m.kind != "contact":
        return None
    summary = selectors.totals(filters)
    if m.rollup_total:
        return summary[m.rollup_total]
    if code == "transfers_late":
        return summary["transfers"] - summary["transfers_on_time"]
    if code == "callbacks_late":
        return summary["callbacks_due"] - summary["callbacks_on_time"]
    return None


def export_limit() -> int:
    return int(get_policy("kpi.export_max_rows"))
