"""The report documents (R1, R2): each kind is a builder that reads the figures through the selectors and
lays them out as a `Document` — a title, the period, titled tables with their 合计 rows, and notes.
The Excel, the PDF and the printable page are drawn from that one structure (kefu.reports.rendering),
so they cannot show different figures.

`KINDS` is the platform's registry of report kinds (kefu.core.registry): kind → label, the period it
covers, its builder, and who may read (and so ask for) it. The hotline's kinds are defined here
(`HOTLINE_KINDS`, registered by ReportsConfig.ready()); other apps register theirs, with builders of
their own (kefu.processes.report_kinds), and the shapes (`Document`, `Table`, `ReportKind`) are in
kefu.core.documents. A kind that can be narrowed to a responsible unit says so (`unit_scoped`); its
builder is then given the unit and passes it to the selector."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils import timezone

from kefu.accounts.models import Unit
from kefu.core.documents import DAY, MONTH, WEEK, Document, ReportKind, Sheet
from kefu.core.periods import Period
from kefu.core.registry import platform
from kefu.reports import exports, selectors, staff
from kefu.reports.tables import (
    monthly_tables,
    quality_observations,
    quality_tables,
    weekly_tables,
    workload_tables,
)

EXPORT_REGISTER = "hotline.export_register"
TEAM_REPORT = "reports.view_team_report"
SENSITIVE = "customers.view_sensitive_customer"


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


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


# Every kind the apps registered, in their order (kefu.core.registry): the same dict, filled at start-up.
KINDS: dict[str, ReportKind] = platform.report_kinds

HOTLINE_KINDS = [
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
]


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
