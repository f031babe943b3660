"""Counter reports (P11, and the monthly registers of P5–P8): reads only, shared by the pages and the
Excel downloads so that the two cannot show different figures.

- `daily_report(day)`: the 17:00 application report the worker stored for the day (its JobClaim), or,
  when it did not run (a holiday, the worker down, today before 17:00), the same figures computed now
  by `daily_summary`, which is the one pure function that computes them.
- `monthly_report(kind, year, month)`: supply contracts signed, connection-point numbers issued,
  transfers completed, and the collection app's own monthly report for "collections".

Months and days are local calendar ones (settings.TIME_ZONE, Asia/Shanghai): a process completed at
23:50 on 30 November is November's even though it is 1 December in UTC. Timestamps are filtered as
ranges [local midnight, next local midnight) so the database can use an index on them."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from kefu.core import periods
from kefu.core.models import JobClaim
from kefu.core.numbering import day_period
from kefu.core.params import whole_number
from kefu.core.periods import Period
from kefu.customers.models import Contract, Customer, ServicePoint
from kefu.processes.models import Process, StageRun
from kefu.processes.schedule import DAILY_REPORT

# The monthly reports, in the order the page's tabs show them: code -> (title, what an empty month says).
MONTHLY_REPORTS: dict[str, tuple[str, str]] = {
    "contracts": ("供用水合同月报", "本月没有签订供用水合同"),
    "connection_numbers": ("接水点编号发放月报", "本月没有发放接水点编号"),
    "transfers": ("过户月报", "本月没有办结的过户业务"),
    "collections": ("收费月报", "本月没有收费记录"),
}
CONTRACT_KIND = "供用水"


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


# ---------------------------------------------------------------------------------------------- daily


def daily_summary(day: date, *, now: datetime | None = None) -> dict:
    """The daily application report's figures, in the shape the worker stores in JobClaim.summary:
    {"day", "started": {business name: count}, "stage_outcomes": {outcome: count}, "in_hand",
    "overdue"}. "in_hand" and "overdue" are a snapshot at `now` (the worker passes its 17:00); without
    `now` they are None, because the processes in hand on a past day cannot be told from today's rows.
    """
    start, end = _local_midnight(day), _local_midnight(day + timedelta(days=1))
    started = (
        Process.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("definition__name")
        .annotate(count=Count("id"))
        .order_by("definition__name")
    )
    finished = (
        StageRun.objects.filter(left_at__gte=start, left_at__lt=end)
        .values("outcome")
        .annotate(count=Count("id"))
        .order_by("outcome")
    )
    summary = {
        "day": day.isoformat(),
        "started": {row["definition__name"]: row["count"] for row in started},
        "stage_outcomes": {row["outcome"]: row["count"] for row in finished},
        "in_hand": None,
        "overdue": None,
    }
    if now is not None:
        in_hand = Process.objects.filter(state=Process.State.ACTIVE).aggregate(
            in_hand=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now))
        )
        summary.update(in_hand)
    return summary


@dataclass
class DailyReport:
    day: date
    summary: dict
    # When the worker made it; None when the figures were computed on opening the page.
    ran_at: datetime | None = None

    @property
    def stored(self) -> bool:
        return self.ran_at is not None

    @property
    def started(self) -> list[tuple[str, int]]:
        return sorted((self.summary.get("started") or {}).items())

    @property
    def started_total(self) -> int:
        return sum(count for _, count in self.started)

    @property
    def outcomes(self) -> list[tuple[str, int]]:
        """Every stage outcome with its Chinese label, zero included, so the layout never changes."""
        found = self.summary.get("stage_outcomes") or {}
        known = [(str(label), found.get(value, 0)) for value, label in StageRun.Outcome.choices]
        # An outcome the engine learns later still shows, under its code, rather than vanishing.
        known += [(value, n) for value, n in found.items() if value not in StageRun.Outcome.values]
        return known

    @property
    def outcomes_total(self) -> int:
        return sum(count for _, count in self.outcomes)

    @property
    def in_hand(self) -> int | None:
        return self.summary.get("in_hand")

    @property
    def overdue(self) -> int | None:
        return self.summary.get("overdue")


def daily_report(day: date, *, now: datetime | None = None) -> DailyReport:
    now = now or timezone.now()
    run = JobClaim.objects.filter(job=DAILY_REPORT, period=day_period(day)).first()
    if run is not None and run.summary:
        return DailyReport(day=day, summary=run.summary, ran_at=run.claimed_at)
    snapshot = now if day == timezone.localdate(now) else None
    return DailyReport(day=day, summary=daily_summary(day, now=snapshot))


# -------------------------------------------------------------------------------------------- monthly


@dataclass
class MonthlyReport:
    """One monthly register laid out once for the page and the workbook: `rows` line up with `headers`,
    `footer` is the 合计 row, `totals` the (label, figure, unit) triples shown above the table."""

    kind: str
    title: str
    period: Period
    empty_text: str
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    footer: list = field(default_factory=list)
    totals: list[tuple[str, object, str]] = field(default_factory=list)  # (label, figure, unit)
    # collections: the collection app's MonthlyReport, which the page embeds and the export reuses.
    source: object = None

    @property
    def full_title(self) -> str:
        return f"{self.period.label}{self.title}"

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def total(self, label: str):
        return next(figure for name, figure, _ in self.totals if name == label)


def _new(kind: str, period: Period, source=None) -> MonthlyReport:
    title, empty_text = MONTHLY_REPORTS[kind]
    return MonthlyReport(kind=kind, title=title, period=period, empty_text=empty_text, source=source)


def _completed(code: str, period: Period):
    """Processes of one business completed in the period. Filters on definition, state and the
    completed_at range, the columns a (definition, completed_at) WHERE state='completed' index holds."""
    start, end = period.bounds()
    return (
        Process.objects.filter(
            definition__code=code,
            state=Process.State.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
        )
        .select_related("customer")
        .order_by("completed_at", "id")
    )


def _kind_label(kind: str) -> str:
    return str(dict(Customer.Kind.choices).get(kind, kind or "—"))


def _dn(value):
    """A caliber as stored by the counter page (int) or by hand ("20", "DN20"): an int when it is one."""
    text = str(value or "").strip().upper().removeprefix("DN")
    number = whole_number(text)
    return number if number is not None else (text or "—")


def _kind_totals(kinds: list[str], unit: str) -> list[tuple[str, int, str]]:
    counted = Counter(kinds)
    return [(f"{label}客户", counted.get(value, 0), unit) for value, label in Customer.Kind.choices]


def _contracts(period: Period) -> MonthlyReport:
    """P5: supply contracts signed in the month. A contract registered in the archive (Contract) is
    listed by its signing date; a supply_contract process is listed with its contract when it named
    one, and on its own (by completion) only when its contract was never registered, so that a contract
    signed on 30 October and archived on 2 November is October's and is counted once."""
    report = _new("contracts", period)
    signed = Contract.objects.filter(
        kind__contains=CONTRACT_KIND, signed_on__gte=period.start, signed_on__lt=period.end
    ).select_related("customer")
    contracts = list(signed.order_by("signed_on", "number"))
    numbers = [c.number for c in contracts]
    # The processes that produced this month's contracts (whenever they were completed).
    process_of = {}
    if numbers:
        producing = Process.objects.filter(
            definition__code="supply_contract",
            state=Process.State.COMPLETED,
            facts__contract_number__in=numbers,
        ).only("number", "facts")
        process_of = {p.facts.get("contract_number"): p.number for p in producing}
    sign_left = StageRun.objects.filter(
        process=OuterRef("pk"), stage__code="sign", outcome=StageRun.Outcome.ADVANCED
    ).order_by("-left_at")
    completed = list(
        _completed("supply_contract", period).annotate(signed_at=Subquery(sign_left.values("left_at")[:1]))
    )
    named = {str(p.facts.get("contract_number") or "").strip() for p in completed} - {""}
    registered = set(Contract.objects.filter(number__in=named).values_list("number", flat=True))
    unregistered = [
        p for p in completed if str(p.facts.get("contract_number") or "").strip() not in registered
    ]

    entries = [
        (
            c.signed_on,
            c.number,
            c.customer,
            c.get_status_display(),
            process_of.get(c.number, "—"),
        )
        for c in contracts
    ]
    entries += [
        (
            _local_day(p.signed_at) or _local_day(p.completed_at),
            str(p.facts.get("contract_number") or "").strip() or "（未登记编号）",
            p.customer,
            "未登记合同档案",
            p.number,
        )
        for p in unregistered
    ]
    entries.sort(key=lambda e: (e[0], e[1]))
    report.headers = [
        "序号",
        "合同编号",
        "客户编号",
        "客户名称",
        "客户类型",
        "签订日期",
        "合同状态",
        "业务编号",
    ]
    report.rows = [
        [n, number, customer.number, customer.name, _kind_label(customer.kind), day, status, process]
        for n, (day, number, customer, status, process) in enumerate(entries, 1)
    ]
    through_counter = sum(1 for e in entries if e[4] != "—")
    report.footer = ["合计", f"{len(entries)}份", "", "", "", "", "", f"窗口办理{through_counter}件"]
    report.totals = [
        ("签订合同", len(entries), "份"),
        *_kind_totals([e[2].kind for e in entries], "份"),
        ("经窗口业务办理", through_counter, "件"),
    ]
    return report


def _connection_numbers(period: Period) -> MonthlyReport:
    """P6: the connection-point numbers issued in the month (connection_number processes completed),
    with the calibers applied for and drawn, and the address where the service point is registered."""
    report = _new("connection_numbers", period)
    processes = list(_completed("connection_number", period))
    numbers = [str(p.facts.get("connection_point_no") or "").strip() for p in processes]
    addresses = dict(
        ServicePoint.objects.filter(connection_point_no__in=[n for n in numbers if n]).values_list(
            "connection_point_no", "address"
        )
    )
    report.headers = [
        "序号",
        "接水点编号",
        "业务编号",
        "客户编号",
        "客户名称",
        "客户类型",
        "用水地址",
        "申请口径（DN）",
        "图纸口径（DN）",
        "发号日期",
    ]
    for n, (process, number) in enumerate(zip(processes, numbers, strict=True), 1):
        customer = process.customer
        report.rows.append(
            [
                n,
                number or "（未登记编号）",
                process.number,
                customer.number,
                customer.name,
                _kind_label(process.customer_kind),
                addresses.get(number) or customer.address,
                _dn(process.facts.get("caliber_applied_dn")),
                _dn(process.facts.get("caliber_drawing_dn")),
                _local_day(process.completed_at),
            ]
        )
    issued = sum(1 for number in numbers if number)
    by_caliber = Counter(row[8] for row, number in zip(report.rows, numbers, strict=True) if number)
    report.footer = ["合计", f"{issued}个", f"{len(processes)}件", "", "", "", "", "", "", ""]
    report.totals = [("发放编号", issued, "个")]
    if issued != len(processes):
        report.totals.append(("办结但未登记编号", len(processes) - issued, "件"))
    # By the caliber drawn (the one the number was issued for): DN15, DN20, … then anything unreadable.
    calibers = sorted(by_caliber, key=lambda dn: (0, dn, "") if isinstance(dn, int) else (1, 0, str(dn)))
    report.totals += [
        (f"DN{dn}" if isinstance(dn, int) else "口径未填", by_caliber[dn], "个") for dn in calibers
    ]
    return report


def _transfers(period: Period) -> MonthlyReport:
    """P7: transfers completed in the month: who held the account, who holds it now, the caliber, and
    whether the previous holder's arrears were passed to the branch to collect (a work order)."""
    report = _new("transfers", period)
    processes = list(_completed("transfer", period))
    report.headers = [
        "序号",
        "业务编号",
        "原户主",
        "原客户编号",
        "新户主",
        "新客户编号",
        "口径（DN）",
        "原户主欠费",
        "办结日期",
    ]
    notified = 0
    for n, process in enumerate(processes, 1):
        facts = process.facts or {}
        work_order = str(facts.get("arrears_work_order") or "").strip()
        notified += bool(work_order)
        report.rows.append(
            [
                n,
                process.number,
                process.customer.name,
                process.customer.number,
                str(facts.get("new_holder_name") or "").strip() or "—",
                str(facts.get("new_customer_number") or "").strip() or "—",
                _dn(facts.get("caliber_dn")),
                f"有，已通知追收（{work_order}）" if work_order else "无",
                _local_day(process.completed_at),
            ]
        )
    report.footer = ["合计", f"{len(processes)}件", "", "", "", "", "", f"欠费已通知{notified}件", ""]
    report.totals = [("办结过户", len(processes), "件"), ("原户主欠费已通知追收", notified, "件")]
    return report


def _collections(period: Period) -> MonthlyReport:
    """P8: the collection app's monthly report itself, not a second count of the same payments: the
    page shows its headline figures and links to it, the download is its own workbook."""
    from kefu.collection import selectors as collection

    source = collection.monthly_report(year=period.start.year, month=period.start.month)
    report = _new("collections", period, source=source)
    report.headers = ["项目", "笔数", "金额（元）"]
    if source.count or source.voided_count:
        report.rows = [[row.label, row.count, row.amount] for row in source.by_kind]
        report.rows.append(["作废", source.voided_count, source.voided_amount])
    report.footer = ["合计（不含作废）", source.count, source.amount]
    report.totals = [
        ("收费笔数", source.count, "笔"),
        ("收费金额", source.amount, "元"),
        ("现金收款", source.cash_collected, "元"),
        ("现金解款", source.cash_banked, "元"),
        ("增值税专用发票", source.vat_issued_count, "张"),
    ]
    return report


_BUILDERS = {
    "contracts": _contracts,
    "connection_numbers": _connection_numbers,
    "transfers": _transfers,
    "collections": _collections,
}


def monthly_report(kind: str, year: int, month: int) -> MonthlyReport:
    """Raises KeyError for a report that does not exist (the view turns it into a 404)."""
    return _BUILDERS[kind](periods.month(year, month))
