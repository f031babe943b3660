"""The store's reads (M1–M3, seed 000 ch.4 §1–§3): the stock list and a stock meter's life, the store
keeper's desk (`desk_summary`), the monthly stock report, and the four needs a purchase plan is drafted
from (ch.4 §1.1: 营销系统换表信息、设计查勘信息、户表改造信息、库存信息).

The desk reads aggregates over indexed columns only (stock by state and caliber; today's issues by
issue time; today's returns per branch and day; overdue replacements by state and due date; plans by
state and due date), so it answers in a handful of queries whatever the size of the archive."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from kefu.accounts.models import Unit
from kefu.core.events import events_for, verb_label
from kefu.meters.calibers import minimum_stock
from kefu.meters.dates import last_working_day_of_month
from kefu.meters.models import (
    Acceptance,
    GoodsReceipt,
    MeterIssue,
    MeterWork,
    OldMeterReturn,
    PurchasePlan,
    Replacement,
    StockMeter,
    Stocktake,
)
from kefu.meters.selectors_plan import due_count_by_caliber

# ---- purchase needs (M1)

NEW_CONNECTION = "new_connection"
RENOVATION = "renovation_cancellation"
# The new-connection stages at which the design is being made (设计委托, 勘测设计): the meters these
# processes will need are the plan's "设计查勘信息".
DESIGN_STAGES = ("design_commission", "survey_design")
# Facts that may carry the caliber of a process's meter, in the order they are trusted.
CALIBER_FACTS = ("caliber_drawing_dn", "caliber_applied_dn", "meter_caliber_dn", "caliber_dn")
# Facts that may carry how many household meters a renovation fits (else one).
COUNT_FACTS = ("meter_count", "household_count", "households")
DEFAULT_CALIBER = 20
NEED_KEYS = ("replacements", "new_connections", "renovations", "stock_shortfall")


def _caliber_of(facts: dict) -> int | None:
    for name in CALIBER_FACTS:
        text = str(facts.get(name) or "").strip().upper().removeprefix("DN")
        if text.isascii() and text.isdigit() and 15 <= int(text) <= 600:
            return int(text)
    return None


def _count_of(facts: dict) -> int:
    for name in COUNT_FACTS:
        text = str(facts.get(name) or "").strip()
        if text.isascii() and text.isdigit() and 0 < int(text) <= 10_000:
            return int(text)
    return 1


@dataclass
class ProcessNeeds:
    new_connections: Counter = field(default_factory=Counter)
    renovations: Counter = field(default_factory=Counter)
    defaulted: int = 0  # processes without a caliber fact, counted as DN20


def process_needs() -> ProcessNeeds:
    """Open counter processes' meters: new connections whose design is being made, and renovations
    (户表改造销户, or an application with 涉及门、栋水表改造)."""
    from kefu.processes.models import Process

    needs = ProcessNeeds()
    active = Process.objects.filter(state=Process.State.ACTIVE)
    renovations = active.filter(Q(definition__code=RENOVATION) | Q(facts__building_meter_renovation=True))
    for facts in renovations.values_list("facts", flat=True).iterator(chunk_size=2000):
        facts = facts if isinstance(facts, dict) else {}
        caliber = _caliber_of(facts)
        needs.defaulted += caliber is None
        needs.renovations[caliber or DEFAULT_CALIBER] += _count_of(facts)
    designing = active.filter(definition__code=NEW_CONNECTION, current_stage__code__in=DESIGN_STAGES)
    for facts in designing.values_list("facts", flat=True).iterator(chunk_size=2000):
        facts = facts if isinstance(facts, dict) else {}
        if facts.get("building_meter_renovation") is True:
            continue  # counted with the renovations above
        caliber = _caliber_of(facts)
        needs.defaulted += caliber is None
        needs.new_connections[caliber or DEFAULT_CALIBER] += 1
    return needs


def in_stock_by_caliber() -> dict[int, int]:
    rows = (
        StockMeter.objects.filter(state=StockMeter.State.IN_STOCK)
        .values_list("caliber_dn")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def purchase_needs(*, year: int, month: int | None = None, processes: ProcessNeeds | None = None) -> dict:
    """{caliber: {"replacements", "new_connections", "renovations", "stock_shortfall"}} for a plan of
    the year (or of one month of it): meters falling due for age-based replacement
    (selectors_plan.due_count_by_caliber), open processes' meters, and the stock below the minimum
    of rule meters.min_stock. Only calibers with some need are listed."""
    processes = processes or process_needs()
    replacements = due_count_by_caliber(year, month=month)
    stock = in_stock_by_caliber()
    shortfall = {c: max(0, n - stock.get(c, 0)) for c, n in minimum_stock().items()}
    calibers = (
        set(replacements) | set(processes.new_connections) | set(processes.renovations) | set(shortfall)
    )
    needs = {}
    for caliber in sorted(calibers):
        need = {
            "replacements": replacements.get(caliber, 0),
            "new_connections": processes.new_connections.get(caliber, 0),
            "renovations": processes.renovations.get(caliber, 0),
            "stock_shortfall": shortfall.get(caliber, 0),
        }
        if any(need.values()):
            needs[caliber] = need
    return needs


def plans(*, year: int | None = None, kind: str = "", state: str = "") -> QuerySet:
    rows = PurchasePlan.objects.select_related("drafted_by", "center_approved_by").annotate(
        total_quantity=Sum("lines__quantity")
    )
    if year:
        rows = rows.filter(year=year)
    if kind:
        rows = rows.filter(kind=kind)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-year", "-month", "-id")


# ---- stock


SORTS = {
    "number": ("number",),
    "-number": ("-number",),
    "caliber": ("caliber_dn", "number"),
    "-caliber": ("-caliber_dn", "number"),
    "received": ("receipt__received_on", "id"),
    "-received": ("-receipt__received_on", "-id"),
}


def stock(*, q: str = "", caliber: int | None = None, state: str = "", sort: str = "") -> QuerySet:
    rows = StockMeter.objects.select_related("receipt", "checked_by")
    q = (q or "").strip()
    if q:
        rows = rows.filter(number__startswith=q)
    if caliber:
        rows = rows.filter(caliber_dn=caliber)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by(*SORTS.get(sort, SORTS["caliber"]))


@dataclass
class HistoryLine:
    occurred_at: datetime
    actor: str
    action: str
    record: str
    details: list[str]
    note: str


def _details(changes: dict) -> list[str]:
    details = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            details.append(f"{key}：{value[0] if value[0] is not None else '（空）'} → {value[1]}")
        elif isinstance(value, dict):
            details.append(f"{key}：" + "，".join(f"{k} {v}" for k, v in value.items()))
        elif value not in (None, ""):
            details.append(f"{key}：{value}")
    return details


def related_records(stock_meter: StockMeter) -> list:
    """The records of a stock meter's life: itself, its issue form, the replacement and acceptance
    of that issue, and the archive meter it became."""
    records = [stock_meter]
    issue = MeterIssue.objects.filter(stock_meter=stock_meter).select_related("branch", "collector").first()
    if issue is not None:
        records.append(issue)
        records += list(Replacement.objects.filter(issue=issue))
        records += list(Acceptance.objects.filter(issue=issue))
    if stock_meter.archive_meter_id:
        records.append(stock_meter.archive_meter)
    return records


def history(records: list, *, most: int = 100) -> list[HistoryLine]:
    lines = []
    for record in records:
        for event in events_for(record)[:most]:
            lines.append(
                HistoryLine(
                    event.occurred_at,
                    str(event.actor or "系统"),
                    verb_label(event.verb),
                    str(record._meta.verbose_name),
                    _details(event.changes),
                    event.note,
                )
            )
    return sorted(lines, key=lambda line: line.occurred_at)


def receipts() -> QuerySet:
    return GoodsReceipt.objects.select_related("received_by", "purchase_plan").annotate(
        stocked=Count("meters")
    )


# ---- the desk


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


@dataclass
class CaliberStock:
    caliber_dn: int
    in_stock: int
    issued_today: int
    minimum: int

    @property
    def below_minimum(self) -> bool:
        return self.in_stock < self.minimum


@dataclass
class DeskSummary:
    today: date
    stock: list[CaliberStock]
    issues_today: list
    issues_today_count: int
    returns_today: list
    returns_today_count: int
    replacements_overdue: int
    works_overdue: int
    acceptances_overdue: int
    acceptances_failed: int
    plans_overdue: int
    plans_waiting: int
    stocktake_day: date
    stocktake: Stocktake | None

    @property
    def stocktake_today(self) -> bool:
        return self.today == self.stocktake_day

    @property
    def stocktake_not_done(self) -> bool:
        return self.stocktake_today and (
            self.stocktake is None or self.stocktake.state != Stocktake.State.CLOSED
        )

    @property
    def overdue_total(self) -> int:
        return (
            self.replacements_overdue
            + self.works_overdue
            + self.acceptances_overdue
            + self.acceptances_failed
            + self.plans_overdue
        )


DESK_ROWS = 50
ISSUES_READ = 2000  # a day's issues are a few dozen; the per-caliber count reads at most this many


def desk_summary(today: date | None = None) -> DeskSummary:
    """Everything the store keeper's desk shows, in ten indexed queries."""
    today = today or timezone.localdate()
    start, end = day_bounds(today)
    in_stock = in_stock_by_caliber()
    minimum = minimum_stock()
    issues = list(
        MeterIssue.objects.filter(issued_at__gte=start, issued_at__lt=end)
        .select_related("branch", "collector", "stock_meter")
        .order_by("-issued_at", "-id")[:ISSUES_READ]
    )
    issued = Counter(issue.stock_meter.caliber_dn for issue in issues)
    calibers = sorted(set(in_stock) | set(minimum) | set(issued))
    # Per branch and day: the (branch, -returned_on) index answers it, as returned_on alone has none.
    branches = list(Unit.objects.filter(kind=Unit.Kind.BRANCH).values_list("id", flat=True))
    returns = OldMeterReturn.objects.filter(branch_id__in=branches, returned_on=today)
    returns_rows = list(
        returns.select_related("meter", "branch", "returned_by").order_by("-id")[: DESK_ROWS + 1]
    )
    returns_count = len(returns_rows) if len(returns_rows) <= DESK_ROWS else returns.count()
    acceptances = Acceptance.objects.filter(
        Q(state=Acceptance.State.PENDING, due_on__lt=today) | Q(state=Acceptance.State.FAILED)
    ).aggregate(
        pending=Count("id", filter=Q(state=Acceptance.State.PENDING)),
        failed=Count("id", filter=Q(state=Acceptance.State.FAILED)),
    )
    plans_counts = PurchasePlan.objects.filter(
        Q(state=PurchasePlan.State.APPROVED, purchase_due__lt=today)
        | Q(state__in=[PurchasePlan.State.SUBMITTED, PurchasePlan.State.CENTER_APPROVED])
    ).aggregate(
        overdue=Count("id", filter=Q(state=PurchasePlan.State.APPROVED)),
        waiting=Count("id", filter=~Q(state=PurchasePlan.State.APPROVED)),
    )
    return DeskSummary(
        today=today,
        stock=[CaliberStock(c, in_stock.get(c, 0), issued.get(c, 0), minimum.get(c, 0)) for c in calibers],
        issues_today=issues[:DESK_ROWS],
        issues_today_count=len(issues),
        returns_today=returns_rows[:DESK_ROWS],
        returns_today_count=returns_count,
        replacements_overdue=Replacement.objects.filter(
            state__in=[Replacement.State.ISSUED, Replacement.State.FITTED], replace_due__lt=today
        ).count(),
        works_overdue=MeterWork.objects.filter(
            kind=MeterWork.Kind.REMOVE, state=MeterWork.State.OPEN, due_on__lt=today
        ).count(),
        acceptances_overdue=acceptances["pending"],
        acceptances_failed=acceptances["failed"],
        plans_overdue=plans_counts["overdue"],
        plans_waiting=plans_counts["waiting"],
        stocktake_day=last_working_day_of_month(today.year, today.month),
        stocktake=Stocktake.objects.filter(month=today.replace(day=1)).first(),
    )


# ---- monthly stock report


@dataclass
class StockReportLine:
    caliber_dn: int
    opening: int
    received: int
    issued: int
    closing: int


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following


def stock_report(year: int, month: int) -> list[StockReportLine]:
    """In, out and balance per caliber for a month, from the records: today's stock less what came
    in after the month plus what went out after it is the month's closing balance (a meter leaves the
    stock only by an issue)."""
    first, following = month_bounds(year, month)
    start, _ = day_bounds(first)
    end, _ = day_bounds(following)

    def by_caliber(rows, key="caliber_dn") -> dict[int, int]:
        return dict(rows.values_list(key).annotate(n=Count("id")).order_by())

    now_in_stock = in_stock_by_caliber()
    received_in = by_caliber(
        StockMeter.objects.filter(receipt__received_on__gte=first, receipt__received_on__lt=following)
    )
    received_after = by_caliber(StockMeter.objects.filter(receipt__received_on__gte=following))
    issued_in = by_caliber(
        MeterIssue.objects.filter(issued_at__gte=start, issued_at__lt=end), "stock_meter__caliber_dn"
    )
    issued_after = by_caliber(MeterIssue.objects.filter(issued_at__gte=end), "stock_meter__caliber_dn")
    calibers = sorted(
        set(now_in_stock) | set(received_in) | set(received_after) | set(issued_in) | set(issued_after)
    )
    lines = []
    for caliber in calibers:
        closing = now_in_stock.get(caliber, 0) - received_after.get(caliber, 0) + issued_after.get(caliber, 0)
        opening = closing - received_in.get(caliber, 0) + issued_in.get(caliber, 0)
        if opening or closing or received_in.get(caliber) or issued_in.get(caliber):
            lines.append(
                StockReportLine(
                    caliber, opening, received_in.get(caliber, 0), issued_in.get(caliber, 0), closing
                )
            )
    return lines
