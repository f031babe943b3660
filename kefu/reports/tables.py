"""The summaries laid out as titled tables, once, for the page, the printout and the workbook alike:
the three cannot show different figures because none of them arranges the figures itself."""

from dataclasses import dataclass, field

from kefu.reports.selectors import (
    ESCALATION_LEVELS,
    CallbackFigures,
    Crosstab,
    MonthlySummary,
    Timeliness,
    VisitFigures,
    WeeklySummary,
)

WEEKDAYS = "一二三四五六日"


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    footer: list | None = None  # the 合计 row
    note: str = ""
    # Rows to draw attention to (below target); indexes into `rows`.
    flagged: set[int] = field(default_factory=set)

    @property
    def flagged_rows(self) -> list[tuple[list, bool]]:
        return [(row, i in self.flagged) for i, row in enumerate(self.rows)]


def rate(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _crosstab(title: str, table: Crosstab) -> Table:
    return Table(
        title=title,
        headers=["类别", *[str(label) for _, label in table.columns], "合计"],
        rows=[[name, *cells, total] for name, cells, total in table.rows],
        footer=["合计", *table.column_totals, table.total],
    )


def timeliness_table(result: Timeliness, title: str | None = None) -> Table:
    rows = [
        [r.label, r.total, r.on_time, r.late, rate(r.rate), minutes(r.avg_minutes), minutes(r.max_minutes)]
        for r in result.rows
    ]
    t = result.total
    return Table(
        title=title or f"转办及时率（按{result.by_label}）",
        headers=[result.by_label, "转办数", "及时", "超时", "及时率", "平均用时（分钟）", "最长用时（分钟）"],
        rows=rows,
        footer=[t.label, t.total, t.on_time, t.late, rate(t.rate), minutes(t.avg_minutes)]
        + [minutes(t.max_minutes)],
        note=f"及时：受理后{result.target_minutes:g}分钟内转办；目标及时率100%（电话接听制度2.9）",
        flagged={i for i, r in enumerate(result.rows) if r.below_target},
    )


def _callbacks(c: CallbackFigures, title: str) -> Table:
    return Table(
        title=title,
        headers=["项目", "数量", "比率"],
        rows=[
            ["应首次回电（转办后24小时内）", c.due, ""],
            ["按时回电", c.on_time, rate(c.on_time_rate)],
            ["超时回电", c.done_late, ""],
            ["尚未回电", c.pending, ""],
            ["已登记回电（含多次）", c.done, ""],
            ["联系上客户", c.reached, rate(c.reached_rate)],
            ["客户表示满意", c.satisfied, ""],
        ],
    )


def _visits(v: VisitFigures, title: str) -> Table:
    return Table(
        title=title,
        headers=["满意", "基本满意", "不满意", "回访合计", "满意率"],
        rows=[[v.satisfied, v.basically, v.dissatisfied, v.total, rate(v.satisfaction_rate)]],
        note="满意率 =（满意 + 基本满意）÷ 回访合计",
    )


def monthly_tables(s: MonthlySummary) -> list[Table]:
    w = s.work_orders
    return [
        _crosstab("按类别、渠道统计", s.by_channel),
        _crosstab("按类别、处理方式统计", s.by_disposition),
        Table(
            title="转办单位",
            headers=["责任单位", "转办数", "及时转办"],
            rows=[[unit, n, on_time] for unit, n, on_time in s.by_unit],
            footer=["合计", sum(n for _, n, _ in s.by_unit), sum(ok for _, _, ok in s.by_unit)],
        ),
        timeliness_table(s.timeliness),
        Table(
            title="工单办理",
            headers=["工单总数", "已办结", "未办结", "其中已超期", "超期办结"],
            rows=[[w.total, w.closed, w.open, w.overdue_open, w.closed_late]],
            note="本月受理的来电所生成的工单，按当前状态统计",
        ),
        _callbacks(s.callbacks, "回电客户"),
        _visits(s.return_visits, "办结回访满意度"),
        Table(
            title="每日来电",
            headers=["日期", "星期", "来电数"],
            rows=[[f"{day:%m-%d}", f"周{WEEKDAYS[day.weekday()]}", n] for day, n in s.by_day],
            footer=["合计", "", s.total],
        ),
    ]


def weekly_tables(s: WeeklySummary) -> list[Table]:
    sup = s.supervision
    escalations = [[f"上报{name}", sup.escalated.get(level, 0)] for level, name in ESCALATION_LEVELS.items()]
    return [
        Table(
            title="督办",
            headers=["项目", "数量"],
            rows=[
                ["上级督办来电", sup.contacts],
                ["其中工单已办结", sup.orders_closed],
                ["其中工单未办结", sup.orders_open],
                *escalations,
                ["本周上报督办合计", sup.escalated_total],
                ["其中仍未办结", sup.escalated_open],
            ],
        ),
        _callbacks(s.callbacks, "反馈（回电客户）"),
        _visits(s.return_visits, "回访"),
        Table(
            title="工单",
            headers=["本周来电", "本周转办", "本周重新打开的工单", "周末仍超期未办结的工单"],
            rows=[[s.contacts, s.transferred, s.reopened, s.overdue_at_end]],
        ),
    ]
