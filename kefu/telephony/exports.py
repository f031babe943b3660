"""The answer-time statistics as Excel (openpyxl write-only)."""

from datetime import date
from io import BytesIO

from kefu.core.excel import export_workbook

HEADERS = [
    "工号",
    "坐席",
    "振铃数",
    "接听数",
    "及时接听数",
    "超时数",
    "及时接听率（%）",
    "平均振铃时长（秒）",
]


def answer_stats_workbook(stats, total, *, start: date, end: date, limit_seconds: float) -> bytes:
    workbook = export_workbook()
    sheet = workbook.create_sheet("接听及时率")
    sheet.append([f"统计期间：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}；及时标准：振铃 {limit_seconds:g} 秒内接听"])
    sheet.append(HEADERS)
    for row in [*stats, total]:
        sheet.append(
            [
                (row.agent.employee_no or "") if row.agent else "",
                str(row.agent) if row.agent else "合计",
                row.rung,
                row.answered,
                row.in_time,
                row.late,
                row.percentage,
                round(row.avg_ring_seconds, 1) if row.avg_ring_seconds is not None else None,
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
