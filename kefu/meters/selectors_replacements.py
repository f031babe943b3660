"""Reads of the replacements (M4–M6): the list with its tabs and filters, the monthly report per
branch (planned, issued, fitted, stopped, overdue), and the life of an archive meter (ch.4: stock,
issue, fitting, replacements, old-meter return, events). Every read goes through
permissions.visible, so a branch's staff see their branch only."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from kefu.accounts.models import Unit
from kefu.core.calendar import SHANGHAI
from kefu.core.events import events_for, verb_label
from kefu.core.params import object_id
from kefu.customers.models import Customer, Meter
from kefu.customers.permissions import visible_customers
from kefu.meters.models import MeterIssue, OldMeterReturn, Replacement, ReplacementPlan, StockMeter
from kefu.meters.permissions import visible

TABS = [
    ("open", "办理中"),
    ("reported", "待核查"),
    ("to_issue", "待领表"),
    ("issued", "已领表待换"),
    ("stopped", "停止更换"),
    ("fitted", "待交旧表"),
    ("closed", "已完成"),
    ("rejected", "核查不属实"),
    ("all", "全部"),
]
OPEN_STATES = ["reported", "to_issue", "issued", "stopped", "fitted"]
LIST_RELATED = ("meter__service_point__customer", "branch", "issue")

HISTORY_LABELS = {
    "meter": "水表",
    "fault": "故障",
    "verify_due": "核查期限",
    "replace_due": "换表期限",
    "old_meter": "旧表",
    "old_reading": "旧表行度",
    "new_meter": "新表",
    "customer_signed_name": "用户签收",
    "plan_reading": "抄表底数",
    "from": "原换表单",
    "to": "替代至",
    "amended_from": "修改前单号",
    "branch_head": "分公司负责人",
    "center_head": "中心负责人",
    "kind": "任务",
    "due_on": "期限",
    "plan": "计划",
    "replacements": "换表单数",
    # the store's issue against the replacement (services.issues.issue_meter)
    "state": "状态",
    "new_meter_number": "新表表号",
    "issue": "领表单",
    # the stock meter's and the return's events, on a meter's life page
    "receipt": "入库单",
    "replacement": "换表单",
    "connection_point": "接水点",
    "return": "回收单",
    "disposition": "处置",
}


def replacements_for(user, *, tab: str = "open", q: str = "", branch=None, kind: str = ""):
    rows = visible(Replacement.objects.all(), user)
    if tab == "open":
        rows = rows.filter(state__in=OPEN_STATES)
    elif tab != "all":
        rows = rows.filter(state=tab)
    if kind in Replacement.Kind.values:
        rows = rows.filter(kind=kind)
    if branch_id := object_id(branch):
        rows = rows.filter(branch_id=branch_id)
    if q := (q or "").strip()[:50]:
        rows = rows.filter(
            Q(number__startswith=q)
            | Q(meter__number__startswith=q)
            | Q(new_meter_number__startswith=q)
            | Q(meter__service_point__customer__number__startswith=q)
            | Q(meter__service_point__customer__name__contains=q)
        )
    return rows.select_related(*LIST_RELATED).order_by("-id")


def replacement_for(user, pk, *, permission: str = "meters.view_replacement") -> Replacement:
    from kefu.meters.permissions import fetch

    return fetch(
        Replacement,
        user,
        pk,
        permission=permission,
        label="换表单",
        related=(
            "meter__service_point__customer",
            "meter__service_point__service_area",
            "branch",
            "plan",
            "issue__stock_meter",
            "new_meter",
            "reported_by",
            "verified_by",
            "fitted_by",
        ),
    )


@dataclass
class HistoryLine:
    occurred_at: datetime
    actor: str
    action: str
    details: list[str]
    note: str
    what: str = ""


def history_of(record, *, most: int = 50) -> list[HistoryLine]:
    """A record's events as the detail pages list them: who, when, what, a change shown as old → new."""
    lines = []
    for event in events_for(record)[:most]:
        details = []
        for key, value in event.changes.items():
            label = HISTORY_LABELS.get(key, key)
            if isinstance(value, list) and len(value) == 2:
                details.append(f"{label}：{value[0] or '（空）'} → {value[1] or '（空）'}")
            elif value:
                details.append(f"{label}：{value}")
        lines.append(
            HistoryLine(
                event.occurred_at, str(event.actor or "系统"), verb_label(event.verb), details, event.note
            )
        )
    return lines


def branches_for(user):
    rows = Unit.objects.filter(kind=Unit.Kind.BRANCH, active=True).order_by("code")
    from kefu.customers.models import branch_scope

    scope = branch_scope(user)
    return rows if scope is None else rows.filter(pk=scope)


def plans_for(user):
    return visible(ReplacementPlan.objects.select_related("branch", "submitted_by", "approved_by"), user)


# ---- the monthly report


@dataclass
class ReportRow:
    branch: Unit
    planned: int = 0
    reported: int = 0
    issued: int = 0
    fitted: int = 0
    stopped: int = 0
    overdue: int = 0


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def monthly_report(user, year: int, month: int) -> list[ReportRow]:
    """Per branch for the month: age replacements planned (the approved plan's lines), urgent reports
    filed, new meters issued and fitted in the month, replacements now stopped, and those open past
    their deadline (at the month's end, or today while the month runs). Five grouped counts."""
    from kefu.meters.services.replacements import month_end

    first, last = date(year, month, 1), month_end(year, month)
    start, end = _moment(first), _moment(date.fromordinal(last.toordinal() + 1))
    cutoff = min(last, timezone.localdate())
    rows = visible(Replacement.objects.all(), user)
    rows_by = {b.pk: ReportRow(b) for b in branches_for(user)}

    def add(queryset, attribute):
        for branch_id, n in queryset.values_list("branch_id").annotate(n=Count("id")).order_by():
            if branch_id in rows_by:
                setattr(rows_by[branch_id], attribute, n)

    add(rows.filter(kind=Replacement.Kind.AGE, plan__year=year, plan__month=month), "planned")
    add(rows.filter(kind=Replacement.Kind.URGENT, reported_at__gte=start, reported_at__lt=end), "reported")
    add(rows.filter(issue__issued_at__gte=start, issue__issued_at__lt=end), "issued")
    add(rows.filter(fitted_at__gte=start, fitted_at__lt=end), "fitted")
    add(rows.filter(state=Replacement.State.STOPPED), "stopped")
    add(
        rows.filter(
            state__in=[Replacement.State.TO_ISSUE, Replacement.State.ISSUED, Replacement.State.STOPPED],
            replace_due__lt=cutoff,
        ),
        "overdue",
    )
    return list(rows_by.values())


# ---- the meter's life


@dataclass
class MeterLife:
    meter: Meter
    customer: Customer
    stock: StockMeter | None
    issue: MeterIssue | None
    fitted_by: Replacement | None  # the replacement that fitted this meter
    replacements: list = field(default_factory=list)  # replacements of this meter (as the old one)
    old_return: OldMeterReturn | None = None
    events: list = field(default_factory=list)


def meter_life_for(user, pk) -> MeterLife:
    """An archive meter for anyone who may see its customer (the archive's visibility rule)."""
    customers = visible_customers(user)
    pk = object_id(pk)
    meter = (
        Meter.objects.select_related("service_point__customer", "service_point__service_area__branch")
        .filter(pk=pk, service_point__customer__in=customers)
        .first()
        if pk
        else None
    )
    if meter is None:
        raise Http404("水表不存在或不在您的权限范围内")
    stock = StockMeter.objects.select_related("receipt", "checked_by").filter(archive_meter=meter).first()
    issue = (
        MeterIssue.objects.select_related("collector", "issued_by").filter(stock_meter=stock).first()
        if stock
        else None
    )
    fitted_by = Replacement.objects.select_related("meter", "fitted_by").filter(new_meter=meter).first()
    replacements = list(
        Replacement.objects.filter(meter=meter)
        .select_related("issue", "new_meter", "fitted_by")
        .order_by("-id")
    )
    old_return = (
        OldMeterReturn.objects.select_related("returned_by", "received_by").filter(meter=meter).first()
    )
    events = []
    for record, what in [(stock, "库存水表"), *[(r, f"换表单{r.number}") for r in replacements]]:
        if record is None:
            continue
        for line in history_of(record, most=30):
            line.what = what
            events.append(line)
    if fitted_by is not None:
        for line in history_of(fitted_by, most=30):
            line.what = f"换表单{fitted_by.number}（换上本表）"
            events.append(line)
    events.sort(key=lambda line: line.occurred_at, reverse=True)
    return MeterLife(
        meter, meter.service_point.customer, stock, issue, fitted_by, replacements, old_return, events
    )
