"""The counter's report kinds (P5–P8, P11), registered with the platform in ProcessesConfig.ready():
kefu.reports stores, renders and lists them, and calls the builders here, which read the figures of
kefu.processes.reports. The counter app so needs no import of kefu.reports."""

from django.utils import timezone

from kefu.core.documents import DAY, MONTH, Document, ReportKind, Table
from kefu.core.periods import Period
from kefu.core.policies import policy
from kefu.processes.reports import daily_report, monthly_report

PROCESSES = "processes.view_process"
COLLECTION_REPORT = "collection.view_collection_report"


def figures(pairs) -> list[tuple[str, object]]:
    return [(label, value) for label, value in pairs]


def counter_daily(period: Period, unit=None) -> Document:
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
        notes=[made + f"；每日{policy('processes.daily_report_time'):%H:%M}报送（供水手册第六章1.5）。"],
        figures=figures([("受理业务", report.started_total), ("在办", in_hand), ("超期", overdue)]),
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


def counter_monthly(period: Period, unit=None) -> Document:
    reports = [monthly_report(code, period.start.year, period.start.month) for code in COUNTER_MONTHLY]
    tables = [table for report in reports for table in _counter_tables(report)]
    return Document(
        title=f"{period.label}窗口业务月报",
        period=period,
        tables=tables,
        notes=["供用水合同、接水点编号发放、过户三张月报（营业窗口工作制度）；收费月报另见「收费月报」。"],
        figures=figures([(report.title.removesuffix("月报"), len(report.rows)) for report in reports]),
    )


def collection_monthly(period: Period, unit=None) -> Document:
    report = monthly_report("collections", period.start.year, period.start.month)
    return Document(
        title=report.full_title,
        period=period,
        tables=_counter_tables(report),
        notes=["作废的收费不计入合计。"],
        figures=figures([(label, figure) for label, figure, _ in report.totals[:2]]),
    )


KINDS = [
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
