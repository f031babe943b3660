"""Excel of the dashboard's tables and of the lists behind them (openpyxl write-only: a drill-down of
100,000 rows streams in constant memory)."""

from typing import BinaryIO

from openpyxl.styles import Font, PatternFill

from kefu.core.excel import export_workbook, local_minute, set_widths, styled_cells
from kefu.core.policies import policy
from kefu.kpi.filters import Filters

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")


def dimension_headers(callback_hours: int) -> list[str]:
    # The callback column names the rule's hours (hotline.callback_hours), as the dashboard does.
    return [
        "名称", "来电来访", "转办", "转办及时率", "工单", "已办结", "按期办结率",
        f"{callback_hours}小时回电率", "满意率",
    ]  # fmt: skip


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def _table(sheet, title: str, headers: list[str], rows: list[list]) -> None:
    sheet.append([])
    sheet.append(styled_cells(sheet, [title], font=BOLD))
    sheet.append(styled_cells(sheet, headers, font=BOLD, fill=HEADER_FILL))
    for row in rows:
        sheet.append(row)


def dashboard_workbook(filters: Filters, figures: dict, output: BinaryIO) -> None:
    book = export_workbook()
    sheet = book.create_sheet("指标看板")
    set_widths(sheet, [22, 12, 12, 12, 12, 12, 12, 12, 12])
    sheet.append(styled_cells(sheet, [f"指标看板 {filters.start} 至 {filters.end}"], font=TITLE))
    s = figures["summary"]
    callback_hours = policy("hotline.callback_hours")
    _table(
        sheet,
        "总体指标",
        ["指标", "数值"],
        [
            ["来电来访", s["contacts"]],
            ["去年同期", figures["last_year"]["contacts"]],
            ["转办", s["transfers"]],
            ["转办及时率", _pct(s["transfer_rate"])],
            [f"{callback_hours}小时内回电率", _pct(s["callback_rate"])],
            ["工单按期办结率", _pct(s["completion_rate"])],
            ["回访满意率", _pct(s["satisfaction_rate"])],
            ["三声内接听率", _pct(figures["rings"]["rate"])],
            ["未办结工单（当前）", figures["open_orders"]["open"]],
            ["超期未办结工单（当前）", figures["open_orders"]["overdue"]],
        ],
    )
    for key, title in (("by_unit", "按责任单位"), ("by_category", "按类别"), ("by_channel", "按渠道")):
        _table(
            sheet,
            title,
            dimension_headers(callback_hours),
            [
                [
                    r["label"], r["contacts"], r["transfers"], _pct(r["transfer_rate"]), r["orders"],
                    r["orders_closed"], _pct(r["completion_rate"]), _pct(r["callback_rate"]),
                    _pct(r["satisfaction_rate"]),
                ]
                for r in figures[key]
            ],
        )  # fmt: skip
    if figures["agents"]:
        _table(
            sheet,
            "坐席工作量",
            ["坐席", "受理", "当即答复", "转办", "转办及时率", "接听", "三声内接听率"],
            [
                [
                    r["label"], r["contacts"], r["answered"], r["transfers"], _pct(r["transfer_rate"]),
                    r["calls_answered"], _pct(r["ring_rate"]),
                ]
                for r in figures["agents"]
            ],
        )  # fmt: skip
    _table(
        sheet,
        "未办结与超期工单（当前）",
        ["责任单位", "未办结", "超期"],
        [[r["label"], r["open"], r["overdue"]] for r in figures["open_orders"]["rows"]],
    )
    _table(
        sheet,
        "窗口业务",
        ["业务", "受理", "办结"],
        [[r["label"], r["taken"], r["completed"]] for r in figures["counter"]["businesses"]],
    )
    _table(
        sheet,
        "超时环节（当前）",
        ["环节", "超时件数"],
        [[r["label"], r["overdue"]] for r in figures["counter"]["overdue_stages"]],
    )
    _table(
        sheet,
        "分时段来电",
        ["时段", "来电来访"],
        [[f"{h:02d}时", n] for h, n in enumerate(figures["by_hour"])],
    )
    book.save(output)


CONTACT_HEADERS = [
    "受理编号",
    "受理时间",
    "渠道",
    "类别",
    "服务片区",
    "责任单位",
    "处理方式",
    "工单状态",
    "事项",
]
ORDER_HEADERS = ["工单编号", "受理时间", "类别", "服务片区", "责任单位", "状态", "办理时限", "事项"]
PROCESS_HEADERS = ["业务编号", "业务", "当前环节", "状态", "受理时间", "当前环节时限", "办理单位"]


def contact_row(contact) -> list:
    order = getattr(contact, "work_order", None)  # select_related: None when the contact has none
    unit = (order.unit if order and order.unit_id else None) or contact.transferred_to
    return [
        contact.number,
        local_minute(contact.received_at),
        contact.get_channel_display(),
        contact.category.name,
        contact.service_area.name if contact.service_area_id else "",
        unit.name if unit else "",
        contact.get_disposition_display(),
        order.get_state_display() if order else "",
        contact.matter[:200],
    ]


def order_row(order) -> list:
    return [
        order.number,
        local_minute(order.contact.received_at),
        order.category.name,
        order.service_area.name if order.service_area_id else "",
        order.unit.name if order.unit_id else "坐席跟进",
        order.get_state_display(),
        local_minute(order.due),
        order.contact.matter[:200],
    ]


def process_row(process) -> list:
    return [
        process.number or "",
        process.definition.name,
        process.current_stage.name if process.current_stage_id else "",
        process.get_state_display(),
        local_minute(process.created_at),
        local_minute(process.due_at),
        process.unit.name if process.unit_id else "",
    ]


ROWS = {"contact": (CONTACT_HEADERS, contact_row), "work_order": (ORDER_HEADERS, order_row),
        "process": (PROCESS_HEADERS, process_row)}  # fmt: skip


def list_workbook(title: str, kind: str, rows, limit: int, output: BinaryIO) -> int:
    """Write up to `limit` rows; returns how many were written."""
    headers, to_row = ROWS[kind]
    book = export_workbook()
    sheet = book.create_sheet(title[:31])
    set_widths(sheet, [18, 17, 10, 14, 14, 16, 14, 12, 50])
    sheet.append(styled_cells(sheet, [title], font=TITLE))
    sheet.append(styled_cells(sheet, headers, font=BOLD, fill=HEADER_FILL))
    written = 0
    for record in rows[:limit].iterator(chunk_size=2000):
        sheet.append(to_row(record))
        written += 1
    book.save(output)
    return written
