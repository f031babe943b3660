"""The report documents (R1, R2): each kind is a builder that reads the figures through the selectors and
lays them out as a `Document` — a title, the period, titled tables with their 合计 rows, and notes.
The Excel, the PDF and the printable page are drawn from that one structure (kefu.reports.rendering),
so they cannot show different figures.

`KINDS` is the registry: kind → label, the period it covers, its builder, and who may read (and so ask
for) it. A kind that can be narrowed to a responsible unit says so (`unit_scoped`); its builder is
then given the unit and passes it to the selector."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from kefu.accounts.models import Unit
from kefu.core import periods
from kefu.core.periods import Period
from kefu.reports import exports, selectors, staff
from kefu.reports.tables import (
    Table,
    monthly_tables,
    quality_observations,
    quality_tables,
    weekly_tables,
    workload_tables,
)

DAY, WEEK, MONTH = "day", "week", "month"
EXPORT_REGISTER = "hotline.export_register"
TEAM_REPORT = "reports.view_team_report"
SENSITIVE = "customers.view_sensitive_customer"
PROCESSES = "processes.view_process"
COLLECTION_REPORT = "collection.view_collection_report"


@dataclass
class Sheet:
    """A long list that goes to the workbook only (the month's register): rows are produced while the
    workbook is written, never held in memory, and the PDF and the page say where to find them."""

    name: str
    headers: list[str]
    widths: list[int]
    count: int
    rows: Callable[[], Iterator[list]]


@dataclass
class Document:
    title: str
    period: Period
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    # Headline figures for the list of generated reports: (label, value).
    figures: list[tuple[str, object]] = field(default_factory=list)
    made_at: object = None  # the moment the figures were read

    @property
    def wide(self) -> bool:
        return any(len(t.headers) > 8 for t in self.tables)


@dataclass(frozen=True)
class ReportKind:
    code: str
    label: str
    period: str  # DAY, WEEK or MONTH
    build: Callable[[Period, Unit | None], Document]
    # Any one of these sets of permissions lets a user read the kind and ask for it to be generated.
    # Asking is no more than reading: the document shows what the reader could open on the live page.
    read: tuple[tuple[str, ...], ...]
    unit_scoped: bool = False  # a unit's staff with a right above get their unit's figures only
    # Small enough to make while the reader waits; otherwise the request is queued for the worker.
    inline: bool = True
    # Read on the replica, if there is one (kefu.core.db_routing); not for a report of figures the
    # same worker has just written.
    replica_reads: bool = True
    source: str = ""

    def period_for(self, day: date) -> Period:
        """The period of this kind that contains `day`."""
        if self.period == DAY:
            return periods.day(day)
        if self.period == WEEK:
            return periods.parse_week(day.isoformat())
        return periods.month(day.year, day.month)


def _figures(pairs: Iterable[tuple[str, object]]) -> list[tuple[str, object]]:
    return [(label, value) for label, value in pairs]


# ------------------------------------------------------------------------------------------ builders


def daily_workload(period: Period, unit: Unit | None = None) -> Document:
    w = staff.daily_workload(period, unit=unit)
    total = w.total
    scope = f"（{unit.name}）" if unit else ""
    notes = []
    if unit:
        notes.append(f"仅统计责任单位为{unit.name}的工单及其来电、回电、回访。")
    return Document(
        title=f"{period.label}工作量日报{scope}",
        period=period,
        tables=workload_tables(w),
        notes=notes,
        figures=_figures(
            [
                ("受理", total.contacts),
                ("转办", total.transferred),
                ("回电", total.callbacks),
                ("派发工单", sum(r.sent for r in w.by_unit)),
            ]
        ),
    )


def weekly_supervision(period: Period, unit: Unit | None = None) -> Document:
    s = selectors.weekly_summary(period)
    cut_off = timezone.localtime(s.cut_off)
    return Document(
        title=f"督办、反馈、回访周汇总（{period.label}）",
        period=period,
        tables=weekly_tables(s),
        notes=[f"统计截至{cut_off:%Y年%m月%d日 %H:%M}。报客服部主任（客服部主任职责6）。"],
        figures=_figures(
            [
                ("督办来电", s.supervision.contacts),
                ("回电", s.callbacks.done),
                ("回访", s.return_visits.total),
                ("重开", s.reopened),
            ]
        ),
    )


def monthly_register(period: Period, unit: Unit | None = None) -> Document:
    from kefu.core.validators import format_phone

    summary = selectors.monthly_summary(period)
    count = selectors.register_count(period)
    register = Sheet(
        name=exports.REGISTER_SHEET,
        headers=selectors.REGISTER_HEADERS,
        widths=exports.REGISTER_WIDTHS,
        count=count,
        # In full, as on the paper register: reading this document needs the sensitive-data right.
        rows=lambda: selectors.monthly_register(period, phone=format_phone),
    )
    return Document(
        title=f"{period.label}来电来访登记及汇总表",
        period=period,
        tables=monthly_tables(summary),
        notes=[
            f"本月来电来访登记共{count}条，逐条列于Excel文件的「{exports.REGISTER_SHEET}」工作表（PDF只含汇总）。",
            "每月最后一个班后交部门负责人（电话接听制度3.4）。",
        ],
        sheets=[register],
        figures=_figures([("来电来访", summary.total), ("转办", summary.transferred), ("登记条数", count)]),
    )


def monthly_quality(period: Period, unit: Unit | None = None) -> Document:
    q = staff.monthly_quality(period)
    total = q.total
    return Document(
        title=f"{period.label}服务质量分析",
        period=period,
        tables=quality_tables(q),
        notes=quality_observations(q),
        figures=_figures(
            [
                ("受理", total.contacts),
                ("转办及时率", _rate(total.transfer_rate)),
                ("三声内接听率", _rate(total.answer_rate)),
                ("满意率", _rate(total.satisfaction_rate)),
            ]
        ),
    )


def counter_daily(period: Period, unit: Unit | None = None) -> Document:
    from kefu.processes.reports import daily_report

    report = daily_report(period.start)
    made = (
        f"窗口日报由后台任务于{timezone.localtime(report.ran_at):%Y-%m-%d %H:%M}统计"
        if report.stored
        else "窗口日报为生成时实时统计"
    )
    in_hand = "—" if report.in_hand is None else report.in_hand
    overdue = "—" if report.overdue is None else report.overdue
    return Document(
        title=f"{period.label}用水申请日报",
        period=period,
        tables=[
            Table(
                title="受理业务",
                headers=["业务", "件数"],
                rows=[[name, n] for name, n in report.started],
                footer=["合计", report.started_total],
            ),
            Table(
                title="环节办理结果",
                headers=["结果", "次数"],
                rows=[[label, n] for label, n in report.outcomes],
                footer=["合计", report.outcomes_total],
            ),
            Table(title="在办业务", headers=["在办业务", "其中超期"], rows=[[in_hand, overdue]]),
        ],
        notes=[made + "；每日17:00报送（营业窗口工作制度1.5）。"],
        figures=_figures([("受理业务", report.started_total), ("在办", in_hand), ("超期", overdue)]),
    )


def _counter_tables(report) -> list[Table]:
    return [
        Table(
            title=report.title,
            headers=report.headers,
            rows=[list(row) for row in report.rows],
            footer=list(report.footer),
            note=report.empty_text if report.is_empty else "",
        ),
        Table(
            title=f"{report.title}汇总",
            headers=["项目", "数量", "单位"],
            rows=[[label, figure, unit] for label, figure, unit in report.totals],
        ),
    ]


COUNTER_MONTHLY = ("contracts", "connection_numbers", "transfers")


def counter_monthly(period: Period, unit: Unit | None = None) -> Document:
    from kefu.processes.reports import monthly_report

    reports = [monthly_report(code, period.start.year, period.start.month) for code in COUNTER_MONTHLY]
    tables = [table for report in reports for table in _counter_tables(report)]
    return Document(
        title=f"{period.label}窗口业务月报",
        period=period,
        tables=tables,
        notes=["供用水合同、接水点编号发放、过户三张月报（营业窗口工作制度）；收费月报另见「收费月报」。"],
        figures=_figures([(report.title.removesuffix("月报"), len(report.rows)) for report in reports]),
    )


def collection_monthly(period: Period, unit: Unit | None = None) -> Document:
    from kefu.processes.reports import monthly_report

    report = monthly_report("collections", period.start.year, period.start.month)
    return Document(
        title=report.full_title,
        period=period,
        tables=_counter_tables(report),
        notes=["作废的收费不计入合计。"],
        figures=_figures([(label, figure) for label, figure, _ in report.totals[:2]]),
    )


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


KINDS: dict[str, ReportKind] = {
    kind.code: kind
    for kind in [
        ReportKind(
            "daily_workload",
            "工作量日报",
            DAY,
            daily_workload,
            read=((EXPORT_REGISTER,), (TEAM_REPORT,)),
            unit_scoped=True,
            source="班长责任制4：每天统计当天工作量日报交客服部主任",
        ),
        ReportKind(
            "weekly_supervision",
            "督办、反馈、回访周汇总",
            WEEK,
            weekly_supervision,
            read=((EXPORT_REGISTER,),),
            source="客服部主任职责6（W5）",
        ),
        ReportKind(
            "monthly_register",
            "来电来访登记及月度汇总",
            MONTH,
            monthly_register,
            # The register names callers with their phone numbers in full.
            read=((EXPORT_REGISTER, SENSITIVE),),
            inline=False,
            source="电话接听制度3.4（H14）",
        ),
        ReportKind(
            "monthly_quality",
            "服务质量分析（月）",
            MONTH,
            monthly_quality,
            read=((EXPORT_REGISTER,), (TEAM_REPORT,)),
            source="班长责任制3：每月汇总形成服务质量分析报告，22日前交客服部主任",
        ),
        ReportKind(
            "counter_daily",
            "用水申请日报",
            DAY,
            counter_daily,
            read=((PROCESSES,),),
            # Made right after the 17:00 job stores the day's figures: read them from the primary.
            replica_reads=False,
            source="营业窗口工作制度1.5（P11）",
        ),
        ReportKind(
            "counter_monthly",
            "窗口业务月报",
            MONTH,
            counter_monthly,
            read=((PROCESSES,),),
            source="P5–P7：合同、接水点编号、过户月报",
        ),
        ReportKind(
            "collection_monthly",
            "收费月报",
            MONTH,
            collection_monthly,
            # The collection app's own report, read by whoever may read that one.
            read=((COLLECTION_REPORT,),),
            source="P8",
        ),
    ]
}


def get_kind(code: str) -> ReportKind:
    """Raises KeyError for a kind that does not exist."""
    return KINDS[code]


def plain(value):
    """A cell as the printable page keeps it (JSON): dates as text, amounts to the fen."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
