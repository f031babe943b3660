"""The summaries laid out as titled tables, once, for the page, the printout and the workbook alike:
the three cannot show different figures because none of them arranges the figures itself."""

from kefu.core.documents import Table
from kefu.core.policies import policy
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
            [f"应首次回电（转办后{policy('hotline.callback_hours')}小时内）", c.due, ""],
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


def _instruction_cells(r) -> list[int]:
    return [r.supervisions, r.escalations, r.acknowledged, r.outstanding]


def _instructions(s: WeeklySummary) -> Table:
    """Leaders' 督办意见 and 批示 of the week per unit, signed for or outstanding (H17); a unit with
    some still unsigned is flagged."""
    figures = s.instructions
    return Table(
        title="领导督办意见与批示（按责任单位）",
        headers=["责任单位", "督办意见", "上报批示", "已签收", "未签收"],
        rows=[[r.label, *_instruction_cells(r)] for r in figures.by_unit],
        footer=["合计", *_instruction_cells(figures.total)],
        note="本周写出的督办意见和批示；已签收、未签收按统计截止时的状态",
        flagged={i for i, r in enumerate(figures.by_unit) if r.outstanding},
    )


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
        _instructions(s),
        _callbacks(s.callbacks, "反馈（回电客户）"),
        _visits(s.return_visits, "回访"),
        Table(
            title="工单",
            headers=["本周来电", "本周转办", "本周重新打开的工单", "周末仍超期未办结的工单"],
            rows=[[s.contacts, s.transferred, s.reopened, s.overdue_at_end]],
        ),
    ]


# ---------------------------------------------------------------------------------------------------
# 日工作量 and 月度服务质量分析 (kefu.reports.staff)

WORKLOAD_FIGURES = ["受理", "当即答复", "坐席跟进", "转办", "记录后关闭", "回电", "回访"]


def _workload_cells(row) -> list[int]:
    return [
        row.contacts,
        row.answered,
        row.follow_up,
        row.transferred,
        row.closed,
        row.callbacks,
        row.visits,
    ]


def workload_tables(w) -> list[Table]:
    total = w.total
    team_total = _workload_cells(total)
    return [
        Table(
            title="坐席工作量",
            headers=["坐席", "班组", *WORKLOAD_FIGURES],
            rows=[[r.label, r.team or "—", *_workload_cells(r)] for r in w.by_agent],
            footer=["合计", "", *_workload_cells(total)],
            note="受理按受理坐席计；回电、回访按实际登记人计",
        ),
        Table(
            title="班组工作量",
            headers=["班组", *WORKLOAD_FIGURES],
            rows=[[r.label, *_workload_cells(r)] for r in w.by_team],
            footer=["合计", *team_total],
            note="受理按受理时的班次计；回电、回访按登记人所在班组计",
        ),
        Table(
            title="工单派发（按责任单位）",
            headers=["责任单位", "派发工单", "已受理", "已回复", "已办结", "已退回"],
            rows=[[r.unit, r.sent, r.accepted, r.replied, r.closed, r.returned] for r in w.by_unit],
            footer=[
                "合计",
                sum(r.sent for r in w.by_unit),
                sum(r.accepted for r in w.by_unit),
                sum(r.replied for r in w.by_unit),
                sum(r.closed for r in w.by_unit),
                sum(r.returned for r in w.by_unit),
            ],
            note="当天派发（改派的按最后一次派发计）的工单；受理、回复、办结情况为制表时的状态",
        ),
    ]


QUALITY_FIGURES = [
    "受理",
    "转办",
    "及时转办",
    "转办及时率",
    "接听（已判定）",
    "三声内接听",
    "接听及时率",
    "应首次回电",
    "按时回电",
    "回电及时率",
    "回访",
    "满意（含基本满意）",
    "满意率",
    "重开工单",
]


def _quality_cells(r) -> list:
    return [
        r.contacts,
        r.transfers,
        r.transfers_on_time,
        rate(r.transfer_rate),
        r.calls_judged,
        r.calls_in_time,
        rate(r.answer_rate),
        r.callbacks_due,
        r.callbacks_on_time,
        rate(r.callback_rate),
        r.visits,
        r.visits_satisfied,
        rate(r.satisfaction_rate),
        r.reopened,
    ]


def _short_of_target(r) -> bool:
    return (r.transfers and r.transfers_on_time < r.transfers) or (
        r.callbacks_due and r.callbacks_on_time < r.callbacks_due
    )


def quality_tables(q) -> list[Table]:
    total = q.total
    tables = [
        Table(
            title="坐席服务质量",
            headers=["坐席", "班组", *QUALITY_FIGURES],
            rows=[[r.label, r.team or "—", *_quality_cells(r)] for r in q.by_agent],
            footer=["合计", "", *_quality_cells(total)],
            note=(
                f"及时转办：受理后{q.transfer_target_minutes:g}分钟内转办，目标100%；三声内接听以交换机振铃、"
                "接听事件计；回电、回访、重开按工单首问责任人计。标红：转办或回电未达100%"
            ),
            flagged={i for i, r in enumerate(q.by_agent) if _short_of_target(r)},
        ),
        Table(
            title="班组服务质量",
            headers=["班组", *QUALITY_FIGURES],
            rows=[[r.label, *_quality_cells(r)] for r in q.by_team],
            footer=["合计", *_quality_cells(total)],
            note="受理、转办、回电、回访、重开按受理时的班次计；接听按坐席现在所在班组计",
            flagged={i for i, r in enumerate(q.by_team) if _short_of_target(r)},
        ),
    ]
    if q.complaints:
        tables.append(
            Table(
                title="投诉情况",
                headers=["类别", "件数", "已办结", "未办结", "转办单位"],
                rows=[
                    [
                        c.category,
                        c.total,
                        c.closed,
                        c.open,
                        "、".join(f"{unit}{n}件" for unit, n in c.by_unit.items()) or "—",
                    ]
                    for c in q.complaints
                ],
                footer=[
                    "合计",
                    sum(c.total for c in q.complaints),
                    sum(c.closed for c in q.complaints),
                    sum(c.open for c in q.complaints),
                    "",
                ],
                note="本月受理的投诉；办结情况为制表时的工单状态",
            )
        )
    return tables


def _extreme(rows, value, *, lowest: bool):
    """The row with the lowest (or highest) figure among those that have one, or None."""
    rated = [(value(r), r) for r in rows if value(r) is not None]
    if not rated:
        return None
    figure = min(f for f, _ in rated) if lowest else max(f for f, _ in rated)
    return figure, [r.label for f, r in rated if f == figure]


def quality_observations(q) -> list[str]:
    """A few sentences a team leader would write under the tables: the month in one line, then the best
    and worst figures, so the ones to talk to stand out."""
    total = q.total
    if not (total.contacts or total.calls_judged or total.callbacks_due or total.visits):
        return [f"{q.period.label}没有可分析的受理、通话、回电或回访记录。"]
    lines = [
        f"{q.period.label}共受理来电来访{total.contacts}件，转办{total.transfers}件，转办及时率"
        f"{rate(total.transfer_rate)}（目标100%）；铃响三声内接听率{rate(total.answer_rate)}；"
        f"首次回电按时率{rate(total.callback_rate)}；回访满意率{rate(total.satisfaction_rate)}；"
        f"重新打开工单{total.reopened}件。"
    ]
    agents = q.by_agent
    checks = [
        ("转办及时率", lambda r: r.transfer_rate if r.transfers else None, "%"),
        ("铃响三声内接听率", lambda r: r.answer_rate if r.calls_judged else None, "%"),
        ("首次回电按时率", lambda r: r.callback_rate if r.callbacks_due else None, "%"),
        ("回访满意率", lambda r: r.satisfaction_rate if r.visits else None, "%"),
    ]
    for name, value, unit in checks:
        worst, best = _extreme(agents, value, lowest=True), _extreme(agents, value, lowest=False)
        if worst is None:
            continue
        if worst[0] == best[0]:
            lines.append(f"{name}：各坐席均为{worst[0]:g}{unit}。")
        else:
            low, high = f"{'、'.join(worst[1])} {worst[0]:g}{unit}", f"{'、'.join(best[1])} {best[0]:g}{unit}"
            lines.append(f"{name}：最低 {low}，最高 {high}。")
    busiest = _extreme(agents, lambda r: r.contacts or None, lowest=False)
    if busiest:
        lines.append(f"受理最多：{'、'.join(busiest[1])} {busiest[0]}件。")
    reopened = _extreme(agents, lambda r: r.reopened or None, lowest=False)
    if reopened:
        lines.append(f"工单被重新打开最多：{'、'.join(reopened[1])} {reopened[0]}件，请复核办理与回访情况。")
    if q.staff_complaint_category:
        lines.append(f"本月{q.staff_complaint_category}{q.staff_complaints}件。")
    return lines
